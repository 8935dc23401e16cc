namespace QuicActors.Kernel.Internal;

/// <summary>Receives undeliverable messages and publishes them as <see cref="DeadLetter"/>.</summary>
internal sealed class DeadLetterRef(ActorSystem system) : InternalActorRef
{
    public override ActorPath Path { get; } = system.RootPath / "deadLetters";

    public override ActorSystem? SystemOrNull => system;

    public override void Tell(object message, IActorRef? sender) => system.PublishDeadLetter(message, sender, this);

    public override void SendSystemMessage(SystemMessage message)
    {
        if (message is WatchMessage watch) watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: false));
    }
}
