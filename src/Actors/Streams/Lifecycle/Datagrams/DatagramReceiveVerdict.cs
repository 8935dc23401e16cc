namespace QuicActors.Streams;

/// <summary>The answer of <see cref="DatagramFlowTable.OnDatagramReceived"/>.</summary>
public enum DatagramReceiveVerdict
{
    /// <summary>Deliver the datagram to the flow's consumer.</summary>
    Deliver,

    /// <summary>The stream's receive half is closed: the datagram is dropped and counted (RFC 9297 §2.1).</summary>
    DroppedReceiveHalfClosed,

    /// <summary>No flow is bound to the stream: the datagram is dropped and counted.</summary>
    DroppedNoFlow,
}
