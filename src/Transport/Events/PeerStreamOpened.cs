namespace QuicActors.Transport.Events;

/// <summary>
/// The peer opened a stream (RFC 9000 §2.1, §3.2: its receive half starts in Recv). It occupies one inbound slot until
/// <see cref="IQuicEngineConnection.ReleaseStream"/> gives it back. Streams with lower IDs of the same type that the
/// peer opened implicitly are reported first, each with its own event.
/// </summary>
public sealed class PeerStreamOpened(QuicStreamId streamId) : StreamEvent(streamId)
{
    /// <inheritdoc />
    public override string ToString() => $"PeerStreamOpened({StreamId}, {StreamId.Direction})";
}
