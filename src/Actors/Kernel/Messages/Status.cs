namespace QuicActors.Kernel;

/// <summary>Replies that report the outcome of an operation; a <see cref="Failure"/> reply faults an Ask.</summary>
public static class Status
{
    /// <summary>The operation succeeded, optionally with a value.</summary>
    public sealed record Success(object? Status);

    /// <summary>The operation failed with <see cref="Cause"/>.</summary>
    public sealed record Failure(Exception Cause, object? State = null);
}
