namespace QuicActors.Transport.Events;

/// <summary>
/// The peer sent STOP_SENDING (RFC 9000 §3.5, §19.5): it will read no more. The engine has already answered with
/// RESET_STREAM carrying the same code, as §3.5 requires, and pending and later writes on the stream fail with
/// <see cref="QuicTransportError.StreamAborted"/>.
/// </summary>
public sealed class PeerStopSending(QuicStreamId streamId, long applicationErrorCode) : StreamEvent(streamId)
{
    /// <summary>The peer's application error code, which the engine's RESET_STREAM repeats.</summary>
    public long ApplicationErrorCode { get; } = applicationErrorCode;

    /// <inheritdoc />
    public override string ToString() => $"PeerStopSending({StreamId}, code {ApplicationErrorCode})";
}
