namespace QuicActors.Hosting;

/// <summary>A snapshot of a hosted listener: its connections and the sum of their connection actors' bookkeeping.</summary>
/// <param name="IsAccepting">False once the listener stopped accepting (host stopping); later clients are closed at once.</param>
/// <param name="AcceptedConnections">Connections served since the start.</param>
/// <param name="RefusedConnections">Connections closed at once because they arrived after the listener stopped accepting.</param>
/// <param name="OpenConnections">Connections still served now.</param>
/// <param name="LiveStreams">Stream actors alive now, over every open connection.</param>
/// <param name="InboundBidirectionalInUse">Peer bidirectional stream slots in use now (RFC 9000 §4.6).</param>
/// <param name="InboundBidirectionalReleased">Peer bidirectional slots given back so far by the open connections.</param>
/// <param name="InvariantViolations">Credit ledger violations found on any open connection; empty when sound.</param>
public sealed record QuicListenerStatus(
    bool IsAccepting,
    long AcceptedConnections,
    long RefusedConnections,
    int OpenConnections,
    int LiveStreams,
    long InboundBidirectionalInUse,
    long InboundBidirectionalReleased,
    IReadOnlyList<string> InvariantViolations);
