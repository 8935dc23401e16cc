namespace QuicActors.Streams;

/// <summary>
/// States of the sending part of a stream, as drawn in RFC 9000 §3.1 (Figure 2), plus <see cref="Closed"/>.
/// </summary>
/// <remarks>
/// Terminal states are <see cref="DataRecvd"/>, <see cref="ResetRecvd"/> and <see cref="Closed"/>
/// (see <see cref="SendStateMachine.IsTerminal(SendState)"/>).
/// </remarks>
public enum SendState : byte
{
    /// <summary>
    /// A newly created sending part that accepts data from the application (RFC 9000 §3.1).
    /// Also the start state of the sending part of a peer-initiated bidirectional stream.
    /// </summary>
    Ready = 0,

    /// <summary>The first STREAM or STREAM_DATA_BLOCKED frame has been sent (RFC 9000 §3.1).</summary>
    Send,

    /// <summary>A STREAM frame carrying FIN has been sent; only retransmissions remain (RFC 9000 §3.1).</summary>
    DataSent,

    /// <summary>All stream data, FIN included, has been acknowledged. Terminal (RFC 9000 §3.1).</summary>
    DataRecvd,

    /// <summary>A RESET_STREAM frame has been sent (RFC 9000 §3.1).</summary>
    ResetSent,

    /// <summary>The RESET_STREAM frame has been acknowledged. Terminal (RFC 9000 §3.1).</summary>
    ResetRecvd,

    /// <summary>
    /// Terminal state of this runtime, not of RFC 9000: the connection closed, or the generation that owned the
    /// stream was discarded (0-RTT rejection, RFC 9001 §4.6.2), before the sending part reached an RFC terminal state.
    /// </summary>
    /// <remarks>
    /// RFC 9000 §3 describes a stream only while its connection lives; once the connection is gone (§10) all
    /// stream state is simply discarded, so the RFC has no state for it. The runtime still needs a terminal
    /// state here so that stream credit, leak accounting and subscribers see every half end exactly once.
    /// Reaching it sends no frame. The cause on the transition says which of the two events ended the half.
    /// </remarks>
    Closed,
}
