using QuicActors.Streams.Internal;

namespace QuicActors.Streams;

/// <summary>
/// The sending part of one stream: its state (<see cref="SendStateMachine"/>) plus the bytes sent and the final
/// size (RFC 9000 §4.5), so a host never recomputes them. A failed step changes nothing.
/// </summary>
/// <remarks>
/// A mutable struct so that it lives inline in its host without an allocation: keep it in a non-readonly field
/// and never copy it. <c>default</c> is a fresh half in <see cref="SendState.Ready"/>.
/// </remarks>
public struct SendHalf
{
    /// <summary>The current state.</summary>
    public SendState State { readonly get; private set; }

    /// <summary>Bytes handed to the wire so far: the next stream offset.</summary>
    public ulong BytesSent { readonly get; private set; }

    /// <summary>
    /// The final size (RFC 9000 §4.5), fixed by the FIN or by the RESET_STREAM, whichever was sent first;
    /// <see langword="null"/> before.
    /// </summary>
    public ulong? FinalSize { readonly get; private set; }

    /// <summary>The error code of the RESET_STREAM sent, local abort or answer to STOP_SENDING; <see langword="null"/> if none.</summary>
    public ulong? ResetErrorCode { readonly get; private set; }

    /// <summary>Whether the half has reached a terminal state.</summary>
    public readonly bool IsTerminal => SendStateMachine.IsTerminal(State);

    /// <summary>
    /// <paramref name="byteCount"/> bytes of stream data are handed to the engine to send. The first one moves
    /// Ready → Send (RFC 9000 §3.1). Refused after FIN, after a reset, after close, and past offset 2^62-1.
    /// </summary>
    public StepResult<SendState> Write(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        var step = SendStateMachine.Apply(State, SendEvent.LocalWrite);
        if (step.IsFailure)
        {
            return step;
        }

        if (!QuicLimits.FitsStreamOffset(BytesSent, (ulong)byteCount))
        {
            return StepResult<SendState>.Fail(StepKind.InvalidLocalOperation, State, StreamError.OffsetLimitExceeded);
        }

        BytesSent += (ulong)byteCount;
        return Commit(step);
    }

    /// <summary>The application completed its writes and the FIN is sent; fixes <see cref="FinalSize"/> (RFC 9000 §3.1, §4.5).</summary>
    public StepResult<SendState> CompleteWrites()
    {
        var step = SendStateMachine.Apply(State, SendEvent.LocalFin);
        if (step.Changed)
        {
            FinalSize = BytesSent;
        }

        return Commit(step);
    }

    /// <summary>The application aborts writing with <paramref name="errorCode"/>: RESET_STREAM is to be sent (RFC 9000 §3.1).</summary>
    public StepResult<SendState> Abort(ulong errorCode) => Reset(SendEvent.LocalAbort(errorCode));

    /// <summary>
    /// The peer sent STOP_SENDING with <paramref name="errorCode"/>: RESET_STREAM with the same code is to be sent
    /// (RFC 9000 §3.5).
    /// </summary>
    public StepResult<SendState> OnStopSending(ulong errorCode) => Reset(SendEvent.PeerStopSending(errorCode));

    /// <summary>The peer acknowledged all data and the FIN (RFC 9000 §3.1).</summary>
    public StepResult<SendState> OnAllDataAcknowledged() => Commit(SendStateMachine.Apply(State, SendEvent.AllDataAcknowledged));

    /// <summary>The peer acknowledged the RESET_STREAM (RFC 9000 §3.1).</summary>
    public StepResult<SendState> OnResetAcknowledged() => Commit(SendStateMachine.Apply(State, SendEvent.ResetAcknowledged));

    /// <summary>The connection closed: a non-terminal half ends in <see cref="SendState.Closed"/>.</summary>
    public StepResult<SendState> OnConnectionClosed() => Commit(SendStateMachine.Apply(State, SendEvent.ConnectionClosed));

    /// <summary>The generation was discarded: a non-terminal half ends in <see cref="SendState.Closed"/> without a frame.</summary>
    public StepResult<SendState> OnGenerationDiscarded() => Commit(SendStateMachine.Apply(State, SendEvent.GenerationDiscarded));

    /// <inheritdoc/>
    public override readonly string ToString() =>
        $"{State} sent={BytesSent} final={FinalSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}";

    private StepResult<SendState> Reset(SendEvent @event)
    {
        var step = SendStateMachine.Apply(State, @event);
        if (!step.Changed)
        {
            return step;
        }

        // After a FIN the final size is already fixed; a reset must repeat it (RFC 9000 §4.5).
        FinalSize ??= BytesSent;
        ResetErrorCode = @event.ErrorCode;
        return Commit(step with { Action = step.Action with { FinalSize = FinalSize } });
    }

    private StepResult<SendState> Commit(StepResult<SendState> step)
    {
        State = step.State;
        return step;
    }
}
