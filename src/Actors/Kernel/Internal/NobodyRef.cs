namespace QuicActors.Kernel.Internal;

/// <summary>The ref that is never alive (<see cref="ActorRefs.Nobody"/>).</summary>
internal sealed class NobodyRef : InternalActorRef
{
    public static readonly NobodyRef Instance = new();

    private static readonly ActorPath NobodyPath = ActorPath.Root("nobody") / "nobody";

    private NobodyRef() { }

    public override ActorPath Path => NobodyPath;

    public override ActorSystem? SystemOrNull => null;

    public override void Tell(object message, IActorRef? sender) { }

    public override void SendSystemMessage(SystemMessage message)
    {
        if (message is WatchMessage watch) watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: false));
    }
}
