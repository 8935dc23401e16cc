namespace QuicActors.Streams;

/// <summary>A snapshot of a <see cref="ConnectionActor"/>'s bookkeeping, for tests, diagnostics and metrics.</summary>
/// <param name="InboundBidirectionalInUse">Peer bidirectional stream slots in use (not yet released).</param>
/// <param name="InboundBidirectionalAvailable">Peer bidirectional stream slots still free.</param>
/// <param name="InboundBidirectionalReleased">Peer bidirectional slots given back so far (each one a MAX_STREAMS increment, RFC 9000 §4.6).</param>
/// <param name="LiveStreams">Stream actors alive now, both directions, ours and the peer's.</param>
/// <param name="WaitingOpens">Local opens waiting for the peer's credit.</param>
/// <param name="InvariantViolations">What <see cref="StreamCreditLedger.CheckInvariants"/> found, both ledgers; empty when sound.</param>
public sealed record ConnectionStatus(
    long InboundBidirectionalInUse,
    long InboundBidirectionalAvailable,
    long InboundBidirectionalReleased,
    int LiveStreams,
    int WaitingOpens,
    IReadOnlyList<string> InvariantViolations);
