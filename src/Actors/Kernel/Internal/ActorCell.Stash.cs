namespace QuicActors.Kernel.Internal;

internal sealed partial class ActorCell
{
    internal int StashedCount => _extras?.Stash?.Count ?? 0;

    internal void StashCurrent()
    {
        var message = _currentMessage
            ?? throw new InvalidOperationException($"{Path}: Stash() can be called only while processing a message.");
        (Extras.Stash ??= []).Add(new Envelope(message, _currentSender));
    }

    /// <summary>Moves the oldest (or every) stashed message in front of the mailbox, keeping their order.</summary>
    internal void Unstash(bool all)
    {
        var extras = _extras;
        if (extras?.Stash is not { Count: > 0 } stash) return;
        var take = all ? stash.Count : 1;
        var front = new Queue<Envelope>(stash.Count + (extras.Front?.Count ?? 0));
        for (var i = 0; i < take; i++) front.Enqueue(stash[i]);
        if (extras.Front is { } old) while (old.TryDequeue(out var envelope)) front.Enqueue(envelope);
        stash.RemoveRange(0, take);
        extras.Front = front;
    }
}
