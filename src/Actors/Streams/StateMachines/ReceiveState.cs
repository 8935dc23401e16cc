namespace QuicActors.Streams;

/// <summary>
/// States of the receiving part of a stream, as drawn in RFC 9000 §3.2 (Figure 3), plus <see cref="Closed"/>.
/// </summary>
/// <remarks>
/// Terminal states are <see cref="DataRead"/>, <see cref="ResetRead"/> and <see cref="Closed"/>
/// (see <see cref="ReceiveStateMachine.IsTerminal(ReceiveState)"/>).
/// </remarks>
public enum ReceiveState : byte
{
    /// <summary>Initial state: data may arrive, the final size is not known yet (RFC 9000 §3.2).</summary>
    Recv = 0,

    /// <summary>A STREAM frame with FIN has been received, so the final size is known (RFC 9000 §3.2).</summary>
    SizeKnown,

    /// <summary>Every byte up to the final size has been received (RFC 9000 §3.2).</summary>
    DataRecvd,

    /// <summary>The application has read all data, EOF included. Terminal (RFC 9000 §3.2).</summary>
    DataRead,

    /// <summary>A RESET_STREAM frame has been received (RFC 9000 §3.2).</summary>
    ResetRecvd,

    /// <summary>The application has been told of the reset. Terminal (RFC 9000 §3.2).</summary>
    ResetRead,

    /// <summary>
    /// Terminal state of this runtime, not of RFC 9000: the connection closed, or the generation that owned the
    /// stream was discarded (0-RTT rejection, RFC 9001 §4.6.2), before the receiving part reached an RFC terminal state.
    /// </summary>
    /// <remarks>
    /// RFC 9000 §3 has no state for a stream whose connection is gone (§10 discards all stream state). The
    /// runtime needs one terminal so that credit and leak accounting, and subscribers, see every half end
    /// exactly once. Reaching it sends no frame; the transition's cause tells which event ended the half.
    /// </remarks>
    Closed,
}
