namespace QuicActors.Kernel.Internal;

/// <summary>A ref the kernel can send system messages to.</summary>
internal abstract class InternalActorRef : IActorRef
{
    public abstract ActorPath Path { get; }

    /// <summary>The system the ref belongs to, if any (used for the implicit sender outside actors).</summary>
    public abstract ActorSystem? SystemOrNull { get; }

    public abstract void Tell(object message, IActorRef? sender);

    public abstract void SendSystemMessage(SystemMessage message);

    public override string ToString() => $"[{Path.ToStringWithUid()}]";
}
