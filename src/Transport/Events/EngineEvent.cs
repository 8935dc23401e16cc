namespace QuicActors.Transport.Events;

/// <summary>
/// Something that happened on a connection, reported by the engine in the order it happened. Events are the only way
/// the engine speaks to the layer above: the engine reports, the actor layer decides (for example, when a stream is
/// finished and its slot goes back to the peer).
/// </summary>
public abstract class EngineEvent
{
    private protected EngineEvent() { }
}

/// <summary>An event about one stream.</summary>
public abstract class StreamEvent : EngineEvent
{
    private protected StreamEvent(QuicStreamId streamId) => StreamId = streamId;

    /// <summary>The stream the event concerns.</summary>
    public QuicStreamId StreamId { get; }
}
