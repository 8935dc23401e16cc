namespace QuicActors.TestKit;

/// <summary>
/// Thrown by <see cref="Skip"/> to turn the running <see cref="SkippableFactAttribute"/> or
/// <see cref="SkippableTheoryAttribute"/> test into a skipped one, with its reason printed by the runner.
/// </summary>
public sealed class SkipException : Exception
{
    /// <summary>Creates the exception with the reason the test is skipped.</summary>
    public SkipException(string reason) : base(reason) { }

    /// <summary>Creates the exception with a generic reason.</summary>
    public SkipException() : base("Skipped.") { }

    /// <summary>Creates the exception with a reason and an inner exception.</summary>
    public SkipException(string reason, Exception innerException) : base(reason, innerException) { }
}
