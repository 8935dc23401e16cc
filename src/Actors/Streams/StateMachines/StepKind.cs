namespace QuicActors.Streams;

/// <summary>How a state machine handled one event. See <see cref="StepResult{TState}"/>.</summary>
public enum StepKind : byte
{
    /// <summary>The half moved to another state; the result carries one or more transitions.</summary>
    Transitioned = 0,

    /// <summary>A valid event with no state change, e.g. more data while in Send (RFC 9000 §3.1).</summary>
    Stayed,

    /// <summary>
    /// A harmless event with no effect in this state, e.g. STOP_SENDING once all data is acknowledged
    /// (RFC 9000 §3.5), a duplicate acknowledgement, or anything after a terminal state.
    /// </summary>
    Ignored,

    /// <summary>
    /// The local application asked for something this state does not allow, e.g. a write after
    /// <c>CompleteWrites</c> or after an abort. The call should fail; nothing changes and nothing reaches the wire.
    /// </summary>
    InvalidLocalOperation,

    /// <summary>
    /// The peer broke RFC 9000, e.g. data beyond the final size (§4.5). The connection should be closed with the
    /// transport error given by <see cref="StreamErrorExtensions.ToTransportErrorCode(StreamError)"/>.
    /// </summary>
    ProtocolViolation,

    /// <summary>
    /// The host or engine reported an event that cannot happen in this state, e.g. an acknowledgement of a FIN
    /// that was never sent, or a read of an EOF that has not arrived. This is a bug in the caller, not the peer.
    /// </summary>
    InconsistentEvent,
}
