namespace QuicActors.Kernel;

/// <summary>An actor name is malformed or still in use by a live (or not yet terminated) sibling.</summary>
public class InvalidActorNameException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidActorNameException() { }

    /// <summary>Creates the exception with a message.</summary>
    public InvalidActorNameException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public InvalidActorNameException(string message, Exception innerException) : base(message, innerException) { }
}
