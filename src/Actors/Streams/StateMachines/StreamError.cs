namespace QuicActors.Streams;

/// <summary>The reason attached to a failed <see cref="StepResult{TState}"/>.</summary>
public enum StreamError : byte
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>Write after the application completed its writes (FIN sent, RFC 9000 §3.1).</summary>
    WritesCompleted,

    /// <summary>Write after the sending part was reset, locally or at the peer's request (RFC 9000 §3.1, §3.5).</summary>
    WritesAborted,

    /// <summary>Write after the connection closed or the generation was discarded.</summary>
    StreamClosed,

    /// <summary>A stream offset beyond 2^62-1, the largest the wire encoding allows (RFC 9000 §4.5, §19.8).</summary>
    OffsetLimitExceeded,

    /// <summary>The final size changed, or data arrived beyond it (RFC 9000 §4.5): FINAL_SIZE_ERROR.</summary>
    FinalSizeError,

    /// <summary>The event does not fit the current state (see <see cref="StepKind.InconsistentEvent"/>).</summary>
    UnexpectedEvent,

    /// <summary>Data was reported at an offset past the contiguous received prefix; engines deliver reassembled data.</summary>
    DataGap,

    /// <summary>The application was reported to read more bytes than have been received.</summary>
    ReadBeyondReceived,
}
