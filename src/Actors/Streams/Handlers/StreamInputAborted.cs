namespace QuicActors.Streams;

/// <summary>
/// Reading ended without the FIN: the peer sent RESET_STREAM (RFC 9000 §19.4), the stream was aborted locally, or the
/// connection ended. No more <see cref="StreamData"/> follows.
/// </summary>
/// <param name="Reason">Why: a <see cref="StreamAbortedException"/> with the code, or the exception that ended reading.</param>
public sealed record StreamInputAborted(Exception Reason);
