namespace QuicActors.Kernel;

/// <summary>
/// A handle to one incarnation of an actor: its <see cref="Path"/> plus the incarnation id in
/// <see cref="ActorPath.Uid"/>. A ref never reaches a later actor created under the same name; messages told
/// to a stopped actor go to dead letters.
/// </summary>
public interface IActorRef
{
    /// <summary>Where the actor lives in the hierarchy, with its incarnation id.</summary>
    ActorPath Path { get; }

    /// <summary>Enqueues <paramref name="message"/> for the actor; never blocks and never throws for a dead actor.</summary>
    /// <param name="message">The message; must not be null.</param>
    /// <param name="sender">The ref replies go to, or <see langword="null"/> (<see cref="ActorRefs.NoSender"/>).</param>
    void Tell(object message, IActorRef? sender);
}
