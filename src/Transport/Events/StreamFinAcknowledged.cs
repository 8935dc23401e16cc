namespace QuicActors.Transport.Events;

/// <summary>The peer acknowledged all our data and the FIN: the send half reached Data Recvd (RFC 9000 §3.1).</summary>
public sealed class StreamFinAcknowledged(QuicStreamId streamId) : StreamEvent(streamId)
{
    /// <inheritdoc />
    public override string ToString() => $"StreamFinAcknowledged({StreamId})";
}
