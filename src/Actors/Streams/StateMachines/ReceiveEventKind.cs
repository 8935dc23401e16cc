namespace QuicActors.Streams;

/// <summary>The events a receiving part of a stream reacts to (RFC 9000 §3.2, §3.5).</summary>
public enum ReceiveEventKind : byte
{
    /// <summary>A STREAM frame without FIN was received.</summary>
    DataReceived = 0,

    /// <summary>A STREAM frame with FIN was received: the final size is known.</summary>
    FinReceived,

    /// <summary>Every byte up to the final size has been received.</summary>
    AllDataReceived,

    /// <summary>The application read the end of the stream.</summary>
    EofRead,

    /// <summary>The peer sent RESET_STREAM with an error code.</summary>
    PeerReset,

    /// <summary>The application was told of the peer's reset.</summary>
    ResetRead,

    /// <summary>The application aborted reading with an error code (STOP_SENDING, RFC 9000 §3.5).</summary>
    LocalStopSending,

    /// <summary>The connection closed (RFC 9000 §10).</summary>
    ConnectionClosed,

    /// <summary>The generation owning the stream was discarded (0-RTT rejection).</summary>
    GenerationDiscarded,
}
