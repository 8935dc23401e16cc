namespace QuicActors.Transport.Events;

/// <summary>The peer sent RESET_STREAM: its sending ended abruptly (RFC 9000 §3.2, §19.4); no more data follows.</summary>
public sealed class PeerResetStream(QuicStreamId streamId, long applicationErrorCode, long finalSize) : StreamEvent(streamId)
{
    /// <summary>The peer's application error code.</summary>
    public long ApplicationErrorCode { get; } = applicationErrorCode;

    /// <summary>The final size the peer declared (RFC 9000 §4.5).</summary>
    public long FinalSize { get; } = finalSize;

    /// <inheritdoc />
    public override string ToString() => $"PeerResetStream({StreamId}, code {ApplicationErrorCode}, final size {FinalSize})";
}
