namespace QuicActors.Transport.Events;

/// <summary>
/// The server rejected 0-RTT (RFC 9001 §4.6.2). The engine has discarded every stream opened in 0-RTT without sending a
/// frame for it, forgotten their IDs, and reset its stream counters: the next stream opened gets ID 0 again. Outbound
/// credit now follows the 1-RTT limits (a <see cref="StreamCreditGranted"/> follows). Nothing of the early streams may be
/// reused: the layer above must treat them as belonging to an ended generation.
/// </summary>
public sealed class EarlyDataRejected(IReadOnlyList<QuicStreamId> discardedStreams) : EngineEvent
{
    /// <summary>The streams that were opened in 0-RTT and are now gone.</summary>
    public IReadOnlyList<QuicStreamId> DiscardedStreams { get; } = discardedStreams;

    /// <inheritdoc />
    public override string ToString() => $"EarlyDataRejected({DiscardedStreams.Count} streams discarded)";
}
