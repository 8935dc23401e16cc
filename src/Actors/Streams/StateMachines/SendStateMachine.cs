namespace QuicActors.Streams;

/// <summary>
/// The pure transition function of the sending part of a stream (RFC 9000 §3.1, with §3.5 for STOP_SENDING).
/// It knows states only; <see cref="SendHalf"/> adds the byte offsets and final size (RFC 9000 §4.5).
/// </summary>
/// <remarks>
/// Choices where RFC 9000 leaves room, all documented on <see cref="Apply(SendState, SendEvent)"/>:
/// STOP_SENDING in Data Sent is answered at once rather than deferred (§3.5 allows either); a FIN sent from Ready
/// reports both RFC edges, Ready → Send → Data Sent, since one STREAM frame opens and finishes the stream.
/// </remarks>
public static class SendStateMachine
{
    /// <summary>Whether no event can move <paramref name="state"/> any more.</summary>
    public static bool IsTerminal(SendState state) =>
        state is SendState.DataRecvd or SendState.ResetRecvd or SendState.Closed;

    /// <summary>
    /// Applies <paramref name="event"/> to <paramref name="state"/>. Pure and allocation-free.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Local write: Ready → Send (§3.1); stays in Send; refused after FIN, after a reset and after Closed.</item>
    /// <item>Local FIN: Ready → Send → Data Sent, Send → Data Sent (§3.1); repeated or after a reset: ignored.</item>
    /// <item>Local abort and peer STOP_SENDING: Ready, Send, Data Sent → Reset Sent with action
    /// <see cref="StreamActionKind.SendResetStream"/> (§3.1; §3.5 says an endpoint MUST answer STOP_SENDING with
    /// RESET_STREAM in Ready or Send and MAY defer it in Data Sent: this machine never defers, so the peer learns at
    /// once and the half terminates sooner). The RESET_STREAM carries the STOP_SENDING code, as §3.5 recommends.
    /// Ignored once reset or terminal (§3.5: STOP_SENDING in Data Recvd or Reset Sent needs no answer).</item>
    /// <item>All data acknowledged: Data Sent → Data Recvd (§3.1); ignored in Reset Sent (the reset is what the peer
    /// will see) and when terminal; inconsistent before a FIN was sent.</item>
    /// <item>Reset acknowledged: Reset Sent → Reset Recvd (§3.1); inconsistent when no reset was sent.</item>
    /// <item>Connection closed, generation discarded: any non-terminal state → <see cref="SendState.Closed"/>, no frame.</item>
    /// </list>
    /// </remarks>
    public static StepResult<SendState> Apply(SendState state, SendEvent @event)
    {
        if (state == SendState.Closed)
        {
            return @event.Kind == SendEventKind.LocalWrite
                ? StepResult<SendState>.Fail(StepKind.InvalidLocalOperation, state, StreamError.StreamClosed)
                : StepResult<SendState>.Ignore(state);
        }

        return @event.Kind switch
        {
            SendEventKind.LocalWrite => state switch
            {
                SendState.Ready => StepResult<SendState>.Move(state, SendState.Send, TransitionCause.LocalWrite),
                SendState.Send => StepResult<SendState>.Stay(state),
                SendState.DataSent or SendState.DataRecvd =>
                    StepResult<SendState>.Fail(StepKind.InvalidLocalOperation, state, StreamError.WritesCompleted),
                _ => StepResult<SendState>.Fail(StepKind.InvalidLocalOperation, state, StreamError.WritesAborted),
            },
            SendEventKind.LocalFin => state switch
            {
                SendState.Ready => StepResult<SendState>.Move(state, SendState.Send, TransitionCause.LocalFin)
                    .Then(StepResult<SendState>.Move(SendState.Send, SendState.DataSent, TransitionCause.LocalFin)),
                SendState.Send => StepResult<SendState>.Move(state, SendState.DataSent, TransitionCause.LocalFin),
                _ => StepResult<SendState>.Ignore(state),
            },
            SendEventKind.LocalAbort => Reset(state, TransitionCause.LocalAbort, @event.ErrorCode),
            SendEventKind.PeerStopSending => Reset(state, TransitionCause.PeerStopSending, @event.ErrorCode),
            SendEventKind.AllDataAcknowledged => state switch
            {
                SendState.DataSent => StepResult<SendState>.Move(state, SendState.DataRecvd, TransitionCause.Acknowledged),
                SendState.Ready or SendState.Send =>
                    StepResult<SendState>.Fail(StepKind.InconsistentEvent, state, StreamError.UnexpectedEvent),
                _ => StepResult<SendState>.Ignore(state),
            },
            SendEventKind.ResetAcknowledged => state switch
            {
                SendState.ResetSent => StepResult<SendState>.Move(state, SendState.ResetRecvd, TransitionCause.Acknowledged),
                SendState.ResetRecvd => StepResult<SendState>.Ignore(state),
                _ => StepResult<SendState>.Fail(StepKind.InconsistentEvent, state, StreamError.UnexpectedEvent),
            },
            SendEventKind.ConnectionClosed => Close(state, TransitionCause.ConnectionClosed),
            SendEventKind.GenerationDiscarded => Close(state, TransitionCause.GenerationDiscarded),
            _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.Kind, "Unknown send event kind."),
        };
    }

    private static StepResult<SendState> Reset(SendState state, TransitionCause cause, ulong errorCode) =>
        state is SendState.Ready or SendState.Send or SendState.DataSent
            ? StepResult<SendState>.Move(state, SendState.ResetSent, cause, errorCode,
                StreamAction.SendResetStream(errorCode))
            : StepResult<SendState>.Ignore(state);

    private static StepResult<SendState> Close(SendState state, TransitionCause cause) =>
        IsTerminal(state)
            ? StepResult<SendState>.Ignore(state)
            : StepResult<SendState>.Move(state, SendState.Closed, cause);
}
