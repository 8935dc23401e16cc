namespace QuicActors.Streams;

/// <summary>The answer to a <see cref="StreamWrite"/> or <see cref="StreamCompleteWrites"/> that failed.</summary>
/// <param name="Write">The command that failed.</param>
/// <param name="Reason">Why: usually a <see cref="StreamAbortedException"/> carrying the code of the abort.</param>
public sealed record StreamWriteFailed(object Write, Exception Reason);
