namespace QuicActors.Streams;

/// <summary>The events a sending part of a stream reacts to (RFC 9000 §3.1, §3.5).</summary>
public enum SendEventKind : byte
{
    /// <summary>Stream data (a STREAM or STREAM_DATA_BLOCKED frame) is sent for the application.</summary>
    LocalWrite = 0,

    /// <summary>The application completed its writes: a STREAM frame with FIN is sent (<c>CompleteWrites</c>).</summary>
    LocalFin,

    /// <summary>The application aborted writing with an error code: RESET_STREAM is sent.</summary>
    LocalAbort,

    /// <summary>The peer sent STOP_SENDING with an error code (RFC 9000 §3.5).</summary>
    PeerStopSending,

    /// <summary>All stream data and the FIN were acknowledged by the peer.</summary>
    AllDataAcknowledged,

    /// <summary>The RESET_STREAM frame was acknowledged by the peer.</summary>
    ResetAcknowledged,

    /// <summary>The connection closed (RFC 9000 §10).</summary>
    ConnectionClosed,

    /// <summary>The generation owning the stream was discarded (0-RTT rejection).</summary>
    GenerationDiscarded,
}
