namespace QuicActors.Kernel;

/// <summary>Delivered once to each watcher of <see cref="ActorRef"/> after it has stopped.</summary>
public sealed class Terminated : AutoReceivedMessage, INotInfluenceReceiveTimeout
{
    /// <summary>Creates the notification.</summary>
    public Terminated(IActorRef actorRef, bool existenceConfirmed)
    {
        ArgumentNullException.ThrowIfNull(actorRef);
        ActorRef = actorRef;
        ExistenceConfirmed = existenceConfirmed;
    }

    /// <summary>The actor that stopped.</summary>
    public IActorRef ActorRef { get; }

    /// <summary><see langword="false"/> when the actor was already gone when the watch arrived.</summary>
    public bool ExistenceConfirmed { get; }

    /// <inheritdoc />
    public override string ToString() => $"<Terminated>: {ActorRef.Path.ToStringWithUid()} - ExistenceConfirmed={ExistenceConfirmed}";
}
