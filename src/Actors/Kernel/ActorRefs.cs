using QuicActors.Kernel.Internal;

namespace QuicActors.Kernel;

/// <summary>Well-known refs.</summary>
public static class ActorRefs
{
    /// <summary>"No sender": replies to it go to the receiving system's dead letters.</summary>
    public static readonly IActorRef? NoSender;

    /// <summary>A ref that is never alive: messages are dropped, watching it yields <see cref="Terminated"/> at once.</summary>
    public static readonly IActorRef Nobody = NobodyRef.Instance;
}
