namespace QuicActors.Transport.Events;

/// <summary>The peer acknowledged our RESET_STREAM: the send half reached Reset Recvd (RFC 9000 §3.1).</summary>
public sealed class StreamResetAcknowledged(QuicStreamId streamId) : StreamEvent(streamId)
{
    /// <inheritdoc />
    public override string ToString() => $"StreamResetAcknowledged({StreamId})";
}
