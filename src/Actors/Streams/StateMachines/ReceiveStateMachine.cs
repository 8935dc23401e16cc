namespace QuicActors.Streams;

/// <summary>
/// The pure transition function of the receiving part of a stream (RFC 9000 §3.2, with §3.5 for STOP_SENDING).
/// It knows states only; <see cref="ReceiveHalf"/> adds offsets and the final-size rules of RFC 9000 §4.5.
/// </summary>
/// <remarks>
/// Choices where RFC 9000 leaves room, documented on <see cref="Apply(ReceiveState, ReceiveEvent)"/>: of the two
/// optional edges between Data Recvd and Reset Recvd (§3.2), neither is taken, so whichever of "all data" and
/// "reset" arrives first decides what the application sees. An application that aborts reading once the data or
/// the reset is in ends the half (it will never read), so an abandoned receive side cannot hold stream credit.
/// </remarks>
public static class ReceiveStateMachine
{
    /// <summary>Whether no event can move <paramref name="state"/> any more.</summary>
    public static bool IsTerminal(ReceiveState state) =>
        state is ReceiveState.DataRead or ReceiveState.ResetRead or ReceiveState.Closed;

    /// <summary>
    /// Applies <paramref name="event"/> to <paramref name="state"/>. Pure and allocation-free.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Data: stays in Recv and Size Known; ignored afterwards (retransmissions, data after a reset).</item>
    /// <item>FIN: Recv → Size Known (§3.2); stays in Size Known (retransmitted FIN); ignored afterwards.</item>
    /// <item>All data received: Size Known → Data Recvd (§3.2); inconsistent in Recv (no final size yet); ignored
    /// in Reset Recvd (optional edge not taken) and afterwards.</item>
    /// <item>EOF read: Data Recvd → Data Read (§3.2); ignored once terminal; inconsistent elsewhere.</item>
    /// <item>Peer RESET_STREAM: Recv, Size Known → Reset Recvd (§3.2); ignored in Data Recvd (optional edge not taken:
    /// all data is already here) and afterwards.</item>
    /// <item>Reset read: Reset Recvd → Reset Read (§3.2); ignored once terminal; inconsistent elsewhere.</item>
    /// <item>Local STOP_SENDING: stays in Recv and Size Known with action <see cref="StreamActionKind.SendStopSending"/>
    /// (§3.5: the receive state does not change, the peer is asked to reset). In Data Recvd → Data Read and in Reset
    /// Recvd → Reset Read without a frame (§3.5: STOP_SENDING is not needed once all data or the reset is in); the
    /// application abandoning the data or the reset counts as having read it. Ignored once terminal.</item>
    /// <item>Connection closed, generation discarded: any non-terminal state → <see cref="ReceiveState.Closed"/>, no frame.</item>
    /// </list>
    /// </remarks>
    public static StepResult<ReceiveState> Apply(ReceiveState state, ReceiveEvent @event)
    {
        if (IsTerminal(state))
        {
            // Terminal states absorb every event, including late frames and repeated application calls.
            return StepResult<ReceiveState>.Ignore(state);
        }

        return @event.Kind switch
        {
            ReceiveEventKind.DataReceived => state is ReceiveState.Recv or ReceiveState.SizeKnown
                ? StepResult<ReceiveState>.Stay(state)
                : StepResult<ReceiveState>.Ignore(state),
            ReceiveEventKind.FinReceived => state switch
            {
                ReceiveState.Recv => StepResult<ReceiveState>.Move(state, ReceiveState.SizeKnown, TransitionCause.FinReceived),
                ReceiveState.SizeKnown => StepResult<ReceiveState>.Stay(state),
                _ => StepResult<ReceiveState>.Ignore(state),
            },
            ReceiveEventKind.AllDataReceived => state switch
            {
                ReceiveState.SizeKnown =>
                    StepResult<ReceiveState>.Move(state, ReceiveState.DataRecvd, TransitionCause.AllDataReceived),
                ReceiveState.Recv => Inconsistent(state),
                _ => StepResult<ReceiveState>.Ignore(state),
            },
            ReceiveEventKind.EofRead => state == ReceiveState.DataRecvd
                ? StepResult<ReceiveState>.Move(state, ReceiveState.DataRead, TransitionCause.EofRead)
                : Inconsistent(state),
            ReceiveEventKind.PeerReset => state is ReceiveState.Recv or ReceiveState.SizeKnown
                ? StepResult<ReceiveState>.Move(state, ReceiveState.ResetRecvd, TransitionCause.PeerReset, @event.ErrorCode)
                : StepResult<ReceiveState>.Ignore(state),
            ReceiveEventKind.ResetRead => state == ReceiveState.ResetRecvd
                ? StepResult<ReceiveState>.Move(state, ReceiveState.ResetRead, TransitionCause.ResetRead)
                : Inconsistent(state),
            ReceiveEventKind.LocalStopSending => state switch
            {
                ReceiveState.Recv or ReceiveState.SizeKnown =>
                    StepResult<ReceiveState>.Stay(state, StreamAction.SendStopSending(@event.ErrorCode)),
                ReceiveState.DataRecvd => StepResult<ReceiveState>.Move(
                    state, ReceiveState.DataRead, TransitionCause.LocalStopSending, @event.ErrorCode),
                _ => StepResult<ReceiveState>.Move(
                    state, ReceiveState.ResetRead, TransitionCause.LocalStopSending, @event.ErrorCode),
            },
            ReceiveEventKind.ConnectionClosed =>
                StepResult<ReceiveState>.Move(state, ReceiveState.Closed, TransitionCause.ConnectionClosed),
            ReceiveEventKind.GenerationDiscarded =>
                StepResult<ReceiveState>.Move(state, ReceiveState.Closed, TransitionCause.GenerationDiscarded),
            _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.Kind, "Unknown receive event kind."),
        };
    }

    private static StepResult<ReceiveState> Inconsistent(ReceiveState state) =>
        StepResult<ReceiveState>.Fail(StepKind.InconsistentEvent, state, StreamError.UnexpectedEvent);
}
