namespace QuicActors.Transport.Events;

/// <summary>The handshake completed (RFC 9001 §4.1.1). Always the first event a connection reports, except for events of 0-RTT streams.</summary>
public sealed class HandshakeCompleted(string applicationProtocol, bool earlyDataAccepted, QuicTransportParameters peerParameters) : EngineEvent
{
    /// <summary>The negotiated ALPN protocol.</summary>
    public string ApplicationProtocol { get; } = applicationProtocol;

    /// <summary>Whether 0-RTT data was sent (client) or received (server) and accepted.</summary>
    public bool EarlyDataAccepted { get; } = earlyDataAccepted;

    /// <summary>The transport parameters the peer advertised (limits and windows; local-only fields keep their defaults).</summary>
    public QuicTransportParameters PeerParameters { get; } = peerParameters;

    /// <inheritdoc />
    public override string ToString() => $"HandshakeCompleted({ApplicationProtocol}, early data {(EarlyDataAccepted ? "accepted" : "not used")})";
}
