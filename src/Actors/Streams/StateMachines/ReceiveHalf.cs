using QuicActors.Streams.Internal;

namespace QuicActors.Streams;

/// <summary>
/// The receiving part of one stream: its state (<see cref="ReceiveStateMachine"/>) plus the received and read
/// byte counts and the final size, enforcing RFC 9000 §4.5 so a host never re-implements it. A failed step
/// changes nothing.
/// </summary>
/// <remarks>
/// <para>
/// Data must be reported in stream order, as engines deliver reassembled bytes: a frame may overlap what was
/// received (a retransmission) but may not start past it (<see cref="StreamError.DataGap"/>). A consequence: the
/// frame carrying the FIN always completes the data, so Size Known is entered and left in the same step
/// (Recv → Size Known → Data Recvd, both transitions reported); the state stays in the model for fidelity to
/// RFC 9000 §3.2 and for <see cref="ReceiveStateMachine"/> users that see the FIN before the data is complete.
/// </para>
/// <para>
/// Once the application aborts reading (<see cref="StopSending(ulong)"/>), the half ends by itself as soon as the
/// data or the peer's reset is complete, since the application will never read it (see
/// <see cref="ReceiveStateMachine"/>).
/// </para>
/// <para>
/// A mutable struct so that it lives inline in its host without an allocation: keep it in a non-readonly field
/// and never copy it. <c>default</c> is a fresh half in <see cref="ReceiveState.Recv"/>.
/// </para>
/// </remarks>
public struct ReceiveHalf
{
    /// <summary>The current state.</summary>
    public ReceiveState State { readonly get; private set; }

    /// <summary>Length of the contiguous prefix of the stream received so far.</summary>
    public ulong BytesReceived { readonly get; private set; }

    /// <summary>Bytes the application has consumed.</summary>
    public ulong BytesRead { readonly get; private set; }

    /// <summary>The final size (RFC 9000 §4.5), from the FIN or the RESET_STREAM; <see langword="null"/> until known.</summary>
    public ulong? FinalSize { readonly get; private set; }

    /// <summary>The error code of the peer's RESET_STREAM that moved the half; <see langword="null"/> if none.</summary>
    public ulong? ResetErrorCode { readonly get; private set; }

    /// <summary>The code the application aborted reading with; <see langword="null"/> while it still reads.</summary>
    public ulong? StopSendingErrorCode { readonly get; private set; }

    /// <summary>Whether the half has reached a terminal state.</summary>
    public readonly bool IsTerminal => ReceiveStateMachine.IsTerminal(State);

    /// <summary>
    /// A STREAM frame covering [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>)
    /// arrived, with <paramref name="fin"/> if it ends the stream. Checks the final size (RFC 9000 §4.5), then
    /// moves Recv → Size Known on a FIN and on to Data Recvd once every byte is in (RFC 9000 §3.2).
    /// </summary>
    public StepResult<ReceiveState> OnStreamFrame(ulong offset, int length, bool fin)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (State == ReceiveState.Closed)
        {
            return StepResult<ReceiveState>.Ignore(State);
        }

        if (!QuicLimits.FitsStreamOffset(offset, (ulong)length))
        {
            return Violation(StreamError.OffsetLimitExceeded);
        }

        var end = offset + (ulong)length;
        if (FinalSize is { } finalSize)
        {
            // RFC 9000 §4.5: no data beyond the final size, and a FIN may not move it.
            if (end > finalSize || (fin && end != finalSize))
            {
                return Violation(StreamError.FinalSizeError);
            }
        }
        else if (fin && end < BytesReceived)
        {
            // RFC 9000 §4.5: a final size below data already received.
            return Violation(StreamError.FinalSizeError);
        }

        var step = ReceiveStateMachine.Apply(State, ReceiveEvent.DataReceived);
        if (step.Kind != StepKind.Stayed)
        {
            return step;
        }

        if (offset > BytesReceived)
        {
            return StepResult<ReceiveState>.Fail(StepKind.InconsistentEvent, State, StreamError.DataGap);
        }

        BytesReceived = Math.Max(BytesReceived, end);
        if (fin && FinalSize is null)
        {
            FinalSize = end;
            step = step.Then(ReceiveStateMachine.Apply(step.State, ReceiveEvent.FinReceived));
        }

        if (BytesReceived == FinalSize)
        {
            step = step.Then(ReceiveStateMachine.Apply(step.State, ReceiveEvent.AllDataReceived));
            step = ThenAbandonIfAborted(step);
        }

        return Commit(step);
    }

    /// <summary>
    /// The peer sent RESET_STREAM with <paramref name="errorCode"/> and <paramref name="finalSize"/>. Checks the
    /// final size (RFC 9000 §4.5) even where the reset has no effect, then moves to Reset Recvd (RFC 9000 §3.2).
    /// </summary>
    public StepResult<ReceiveState> OnResetStream(ulong errorCode, ulong finalSize)
    {
        var @event = ReceiveEvent.PeerReset(errorCode);
        if (State == ReceiveState.Closed)
        {
            return StepResult<ReceiveState>.Ignore(State);
        }

        if (FinalSizeViolation(finalSize) is { } violation)
        {
            return Violation(violation);
        }

        var step = ReceiveStateMachine.Apply(State, @event);
        if (step.Changed)
        {
            FinalSize = finalSize;
            ResetErrorCode = errorCode;
            step = ThenAbandonIfAborted(step);
        }

        return Commit(step);
    }

    /// <summary>
    /// The application consumed <paramref name="byteCount"/> more bytes. Never changes the state: reaching the end
    /// of the data is not reading EOF (see <see cref="OnEofRead"/>).
    /// </summary>
    public StepResult<ReceiveState> OnBytesRead(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        if ((ulong)byteCount > BytesReceived - BytesRead)
        {
            return StepResult<ReceiveState>.Fail(StepKind.InconsistentEvent, State, StreamError.ReadBeyondReceived);
        }

        BytesRead += (ulong)byteCount;
        return StepResult<ReceiveState>.Stay(State);
    }

    /// <summary>
    /// After <see cref="StopSending(ulong)"/>, the engine reports that the peer's data ended and was discarded
    /// (<c>StreamDataDiscarded</c>; the peer need not reset a stream whose data is all acknowledged, RFC 9000 §3.5).
    /// <paramref name="finalSize"/> is null where the engine does not learn it. The half ends as for a FIN after the
    /// abort: Size Known and Data Recvd, then Data Read, since the application will never read. Ignored once the half
    /// is terminal, and inconsistent without an abort (an engine discards only after STOP_SENDING).
    /// </summary>
    public StepResult<ReceiveState> OnDiscardedDataEnded(ulong? finalSize)
    {
        if (IsTerminal)
        {
            return StepResult<ReceiveState>.Ignore(State);
        }

        if (StopSendingErrorCode is null)
        {
            return StepResult<ReceiveState>.Fail(StepKind.InconsistentEvent, State, StreamError.UnexpectedEvent);
        }

        if (finalSize is { } size)
        {
            if (FinalSizeViolation(size) is { } violation)
            {
                return Violation(violation);
            }

            FinalSize = size;
        }

        var step = StepResult<ReceiveState>.Stay(State);
        if (State == ReceiveState.Recv)
        {
            step = step.Then(ReceiveStateMachine.Apply(step.State, ReceiveEvent.FinReceived));
        }

        step = step.Then(ReceiveStateMachine.Apply(step.State, ReceiveEvent.AllDataReceived));
        return Commit(ThenAbandonIfAborted(step));
    }

    /// <summary>The application read the end of the stream: Data Recvd → Data Read (RFC 9000 §3.2).</summary>
    public StepResult<ReceiveState> OnEofRead()
    {
        var step = ReceiveStateMachine.Apply(State, ReceiveEvent.EofRead);
        if (step.Changed)
        {
            BytesRead = BytesReceived;
        }

        return Commit(step);
    }

    /// <summary>The application was told of the peer's reset: Reset Recvd → Reset Read (RFC 9000 §3.2).</summary>
    public StepResult<ReceiveState> OnResetRead() => Commit(ReceiveStateMachine.Apply(State, ReceiveEvent.ResetRead));

    /// <summary>
    /// The application aborts reading with <paramref name="errorCode"/>. In Recv or Size Known the result asks for a
    /// STOP_SENDING frame (RFC 9000 §3.5) and the half waits for the peer's reset or the rest of the data; in Data
    /// Recvd or Reset Recvd the half ends at once. Only the first call counts.
    /// </summary>
    public StepResult<ReceiveState> StopSending(ulong errorCode)
    {
        var @event = ReceiveEvent.LocalStopSending(errorCode);
        if (StopSendingErrorCode is not null)
        {
            return StepResult<ReceiveState>.Ignore(State);
        }

        var step = ReceiveStateMachine.Apply(State, @event);
        if (!step.IsFailure && step.Kind != StepKind.Ignored)
        {
            StopSendingErrorCode = errorCode;
        }

        return Commit(step);
    }

    /// <summary>The connection closed: a non-terminal half ends in <see cref="ReceiveState.Closed"/>.</summary>
    public StepResult<ReceiveState> OnConnectionClosed() => Commit(ReceiveStateMachine.Apply(State, ReceiveEvent.ConnectionClosed));

    /// <summary>The generation was discarded: a non-terminal half ends in <see cref="ReceiveState.Closed"/> without a frame.</summary>
    public StepResult<ReceiveState> OnGenerationDiscarded() => Commit(ReceiveStateMachine.Apply(State, ReceiveEvent.GenerationDiscarded));

    /// <inheritdoc/>
    public override readonly string ToString() =>
        $"{State} received={BytesReceived} read={BytesRead} final={FinalSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}";

    private readonly StepResult<ReceiveState> ThenAbandonIfAborted(StepResult<ReceiveState> step) =>
        StopSendingErrorCode is { } code
            ? step.Then(ReceiveStateMachine.Apply(step.State, ReceiveEvent.LocalStopSending(code)))
            : step;

    /// <summary>What is wrong with a declared <paramref name="finalSize"/> (RFC 9000 §4.5), or null when it is acceptable.</summary>
    private readonly StreamError? FinalSizeViolation(ulong finalSize) =>
        finalSize > QuicLimits.MaxVarint ? StreamError.OffsetLimitExceeded
        : (FinalSize is { } known && known != finalSize) || finalSize < BytesReceived ? StreamError.FinalSizeError
        : null;

    private readonly StepResult<ReceiveState> Violation(StreamError error) =>
        StepResult<ReceiveState>.Fail(StepKind.ProtocolViolation, State, error);

    private StepResult<ReceiveState> Commit(StepResult<ReceiveState> step)
    {
        State = step.State;
        return step;
    }
}
