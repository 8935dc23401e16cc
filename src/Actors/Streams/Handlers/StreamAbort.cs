namespace QuicActors.Streams;

/// <summary>
/// Sent by an actor-style stream handler: abort <see cref="Direction"/> with <see cref="ErrorCode"/> (RESET_STREAM and/or
/// STOP_SENDING, RFC 9000 §19.4 and §19.5).
/// </summary>
/// <param name="Direction">Which halves to abort.</param>
/// <param name="ErrorCode">The application error code, 0..2^62-1 (RFC 9000 §20.2).</param>
public sealed record StreamAbort(StreamAbortDirection Direction, long ErrorCode);
