using QuicActors.Kernel.Internal;

namespace QuicActors.Kernel;

/// <summary><c>Tell</c> and <c>Forward</c> with the sender taken from the calling actor.</summary>
public static class ActorRefImplicitSenderExtensions
{
    /// <summary>
    /// Tells with the current actor as sender (inside an actor), else the system's implicit sender
    /// (the TestKit's test actor in tests), else no sender.
    /// </summary>
    public static void Tell(this IActorRef receiver, object message)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        receiver.Tell(message, ActorCell.Current ?? (receiver as InternalActorRef)?.SystemOrNull?.ImplicitSender);
    }

    /// <summary>Tells keeping the original sender of the message being processed.</summary>
    /// <exception cref="InvalidOperationException">Called outside an actor.</exception>
    public static void Forward(this IActorRef receiver, object message)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        var cell = ActorCell.Current ?? throw new InvalidOperationException("Forward can only be used inside an actor.");
        receiver.Tell(message, cell.CurrentSenderOrNull);
    }
}
