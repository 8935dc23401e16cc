namespace QuicActors.Streams;

/// <summary>
/// One direction of a stream as seen from this endpoint: the half we send on (RFC 9000 §3.1) or the half we receive on
/// (RFC 9000 §3.2). A bidirectional stream has both; a unidirectional stream has only the send half at its initiator
/// and only the receive half at its peer (see <see cref="QuicActors.Transport.QuicStreamId.HasSendHalf"/>).
/// </summary>
public enum StreamHalf
{
    /// <summary>The sending part of the stream (RFC 9000 §3.1).</summary>
    Send,

    /// <summary>The receiving part of the stream (RFC 9000 §3.2).</summary>
    Receive,
}
