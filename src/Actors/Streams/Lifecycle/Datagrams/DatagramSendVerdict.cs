namespace QuicActors.Streams;

/// <summary>The answer of <see cref="DatagramFlowTable.TrySend"/>.</summary>
public enum DatagramSendVerdict
{
    /// <summary>The flow is open for sending: hand the datagram to the engine.</summary>
    Allowed,

    /// <summary>The stream's send half is closed or reset: HTTP datagrams may no longer be sent on it (RFC 9297 §2.1).</summary>
    SendHalfClosed,

    /// <summary>No flow is bound to the stream (never bound, or removed).</summary>
    NoFlow,
}
