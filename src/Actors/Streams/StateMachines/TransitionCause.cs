namespace QuicActors.Streams;

/// <summary>Why a half of a stream changed state. Carried by every <see cref="Transition{TState}"/>.</summary>
public enum TransitionCause : byte
{
    /// <summary>No cause: the value of a default <see cref="Transition{TState}"/>.</summary>
    None = 0,

    /// <summary>The first stream data (STREAM or STREAM_DATA_BLOCKED frame) was sent (RFC 9000 §3.1).</summary>
    LocalWrite,

    /// <summary>The application completed its writes and a STREAM frame with FIN was sent (RFC 9000 §3.1).</summary>
    LocalFin,

    /// <summary>The application aborted writing and RESET_STREAM was sent; carries the error code (RFC 9000 §3.1).</summary>
    LocalAbort,

    /// <summary>
    /// The peer sent STOP_SENDING, which this endpoint answers with RESET_STREAM carrying the same code
    /// (RFC 9000 §3.5); carries the peer's error code.
    /// </summary>
    PeerStopSending,

    /// <summary>All data and FIN, or the RESET_STREAM frame, were acknowledged by the peer (RFC 9000 §3.1).</summary>
    Acknowledged,

    /// <summary>A STREAM frame carrying FIN was received: the final size is known (RFC 9000 §3.2).</summary>
    FinReceived,

    /// <summary>Every byte up to the final size has been received (RFC 9000 §3.2).</summary>
    AllDataReceived,

    /// <summary>The peer sent RESET_STREAM; carries the peer's error code (RFC 9000 §3.2).</summary>
    PeerReset,

    /// <summary>The application read the end of the stream (RFC 9000 §3.2, "App Read All Data").</summary>
    EofRead,

    /// <summary>The application was told of the peer's reset (RFC 9000 §3.2, "App Read Reset").</summary>
    ResetRead,

    /// <summary>
    /// The application aborted reading (STOP_SENDING, RFC 9000 §3.5) and the data or reset that had already
    /// arrived counts as consumed; carries the application's error code.
    /// </summary>
    LocalStopSending,

    /// <summary>The connection closed before the half reached an RFC 9000 terminal state (RFC 9000 §10).</summary>
    ConnectionClosed,

    /// <summary>
    /// The generation owning the stream was discarded (0-RTT rejected: RFC 9001 §4.6.2 says the client MUST reset the state of all streams):
    /// the half ends without sending any frame.
    /// </summary>
    GenerationDiscarded,
}
