namespace QuicActors.Kernel;

/// <summary>
/// Thrown in an actor that did not handle the <see cref="Terminated"/> of an actor it watched; the default
/// decider stops it.
/// </summary>
public class DeathPactException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeathPactException() { }

    /// <summary>Creates the exception with a message.</summary>
    public DeathPactException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public DeathPactException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for the death of <paramref name="deadActor"/>.</summary>
    public DeathPactException(IActorRef deadActor)
        : base($"Monitored actor [{deadActor?.Path}] terminated and its Terminated was not handled")
        => DeadActor = deadActor;

    /// <summary>The watched actor whose death was not handled.</summary>
    public IActorRef? DeadActor { get; }
}
