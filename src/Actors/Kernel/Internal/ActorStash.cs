namespace QuicActors.Kernel.Internal;

/// <summary>The <see cref="IStash"/> of one actor; its messages live in the cell so they survive a restart.</summary>
internal sealed class ActorStash(ActorCell cell) : IStash
{
    public int Count => cell.StashedCount;

    public void Stash() => cell.StashCurrent();

    public void Unstash() => cell.Unstash(all: false);

    public void UnstashAll() => cell.Unstash(all: true);
}
