using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Streams.Internal;

/// <summary>
/// The send half of one stream, a child state machine of its <see cref="StreamActor"/>: hosts the pure
/// <see cref="SendHalf"/> (RFC 9000 §3.1), applies local commands and engine events, carries out the frame each step asks
/// for, and hands every transition, with its cause, once to the stream actor. Once terminal it takes no more input; the
/// stream actor answers for it.
/// </summary>
/// <remarks>
/// Not an actor of its own: three actors per stream per side cost more than the whole budget of an idle stream (see the
/// design notes in <c>README.md</c>). It runs only on its stream actor's turn.
/// </remarks>
internal sealed class SendHalfHost
{
    private readonly StreamActor _stream;
    private List<TaskCompletionSource>? _pendingWrites;
    private SendHalf _half;
    private bool _resetByPeer;

    public SendHalfHost(StreamActor stream) => _stream = stream;

    // Read through the stream actor rather than kept here: two references less per half, on every idle stream.
    private StreamActorContext StreamContext => _stream.StreamContext;

    private StreamHandle Handle => _stream.Handle;

    public SendState State => _half.State;

    public bool IsTerminal => _half.IsTerminal;

    public void OnAbort(long errorCode)
    {
        FailPendingWrites(new StreamAbortedException(StreamHalf.Send, errorCode, byPeer: false));
        Apply(_half.Abort((ulong)errorCode), localAbortCode: errorCode);
    }

    public void OnPeerStopSending(PeerStopSending stop)
    {
        _resetByPeer |= _half.ResetErrorCode is null;
        FailPendingWrites(new StreamAbortedException(StreamHalf.Send, stop.ApplicationErrorCode, byPeer: true));
        Apply(_half.OnStopSending((ulong)stop.ApplicationErrorCode), localAbortCode: stop.ApplicationErrorCode);
    }

    public void OnFinAcknowledged() =>
        // After a reset the engine refused (its send side had already finished: IQuicEngineConnection.ResetStream returned
        // false), no RESET_STREAM goes out and no reset acknowledgement will come; the acknowledgement of the FIN that got
        // there first is the one that says the peer has everything, so it ends Reset Sent too.
        Publish(_half.State == SendState.ResetSent ? _half.OnResetAcknowledged() : _half.OnAllDataAcknowledged());

    public void OnResetAcknowledged() => Publish(_half.OnResetAcknowledged());

    public void OnConnectionClosed() => Publish(_half.OnConnectionClosed());

    public void OnGenerationDiscarded()
    {
        FailPendingWrites(new StaleHandleException(Handle.Stamp, StreamContext.Generations.Current.Generation));
        Publish(_half.OnGenerationDiscarded());
    }

    /// <summary>Writes <paramref name="data"/> (FIN when <paramref name="fin"/>); <paramref name="completion"/>, when given, learns the outcome.</summary>
    public void OnWrite(ReadOnlyMemory<byte> data, bool fin, TaskCompletionSource? completion)
    {
        // Invariant 5, again right before the engine: stream IDs restart at 0 in a new generation.
        if (!StreamContext.Generations.IsCurrent(Handle.Stamp))
        {
            completion?.TrySetException(new StaleHandleException(Handle.Stamp, StreamContext.Generations.Current.Generation));
            return;
        }

        var step = data.IsEmpty ? default : _half.Write(data.Length);
        if (step.IsFailure)
        {
            completion?.TrySetException(_half.ResetErrorCode is { } code
                ? new StreamAbortedException(StreamHalf.Send, (long)code, _resetByPeer)
                : new InvalidOperationException($"Stream {Handle.Stamp.StreamId}: cannot write in send state {_half.State} ({step.Error})."));
            return;
        }

        Publish(step);
        if (fin)
        {
            var finStep = _half.CompleteWrites();
            if (finStep.IsFailure || (!finStep.Changed && _half.State != SendState.DataSent))
            {
                completion?.TrySetException(new InvalidOperationException($"Stream {Handle.Stamp.StreamId}: cannot complete writes in send state {_half.State}."));
                return;
            }

            Publish(finStep);
        }

        ValueTask write;
        using var call = StreamContext.Generations.EnterEngineCall(Handle.Stamp);
        if (!call.Admitted)
        {
            // The generation ended (or the engine rejected 0-RTT) since the check above: nothing may reach the wire.
            completion?.TrySetException(new StaleHandleException(Handle.Stamp, StreamContext.Generations.Current.Generation));
            return;
        }

        try
        {
            write = StreamContext.Connection.WriteAsync(Handle.Stamp.StreamId, data, fin);
        }
        catch (QuicTransportException ex) when (ex.Error == QuicTransportError.StreamAborted && ex.ApplicationErrorCode is { } code)
        {
            // The engine saw the peer's STOP_SENDING before its event reached this actor: report the abort, with its code.
            completion?.TrySetException(new StreamAbortedException(StreamHalf.Send, code, byPeer: _half.ResetErrorCode is null || _resetByPeer));
            return;
        }
        catch (QuicTransportException ex)
        {
            completion?.TrySetException(StaleIfDiscardedEarly(ex, StreamContext.Connection, Handle.Stamp));
            return;
        }

        if (write.IsCompletedSuccessfully)
        {
            completion?.TrySetResult();
        }
        else if (completion is not null)
        {
            // Remember the caller so an abort can fail it at once rather than when the engine gets round to it.
            var pending = _pendingWrites ??= [];
            pending.RemoveAll(static c => c.Task.IsCompleted);
            pending.Add(completion);
            _ = CompleteWhenWrittenAsync(write, completion, StreamContext.Connection, Handle.Stamp);
        }
        else
        {
            _ = ObserveAsync(write);
        }
    }

    private static async Task CompleteWhenWrittenAsync(ValueTask write, TaskCompletionSource completion, IQuicEngineConnection connection, StreamHandleStamp stamp)
    {
        try
        {
            await write.ConfigureAwait(false);
            completion.TrySetResult();
        }
        catch (QuicTransportException ex) when (ex.Error == QuicTransportError.StreamAborted && ex.ApplicationErrorCode is { } code)
        {
            // A local abort fails the write first, on the actor's thread; an engine-side abort of a waiting write is the peer's.
            completion.TrySetException(new StreamAbortedException(StreamHalf.Send, code, byPeer: true));
        }
        catch (QuicTransportException ex)
        {
            completion.TrySetException(StaleIfDiscardedEarly(ex, connection, stamp));
        }
        catch (Exception ex)
        {
            completion.TrySetException(ex);
        }
    }

    /// <summary>
    /// The engine rejects 0-RTT on its own loop and drops the early streams at once, while the connection actor moves to
    /// the next generation only when it reads the rejection event. A write through an early handle in between passes the
    /// generation gate and then finds no stream in the engine (or is failed by the rejection while it waited). That is the
    /// stale-handle case a moment early, not a transport error: nothing was sent, and the caller gets the
    /// <see cref="StaleHandleException"/> the gate gives it a moment later. Only generation 1 can hold 0-RTT streams.
    /// </summary>
    private static Exception StaleIfDiscardedEarly(QuicTransportException ex, IQuicEngineConnection connection, StreamHandleStamp stamp) =>
        ex.Error is QuicTransportError.StreamNotFound or QuicTransportError.EarlyDataRejected && stamp.Generation == 1 && connection.IsEarlyDataRejected
            ? new StaleHandleException(stamp, stamp.Generation + 1)
            : ex;

    /// <summary>A write nobody waits for (the linger policy's FIN): its failure is the half's business, reported by its events.</summary>
    private static async Task ObserveAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (QuicTransportException)
        {
            // The stream or the connection ended first; the half's own events say how.
        }
    }

    private void FailPendingWrites(Exception exception)
    {
        if (_pendingWrites is not { } pending)
        {
            return;
        }

        foreach (var completion in pending)
        {
            completion.TrySetException(exception);
        }

        pending.Clear();
    }

    private void Apply(StepResult<SendState> step, long localAbortCode)
    {
        if (step.Action.Kind == StreamActionKind.SendResetStream)
        {
            using var call = StreamContext.Generations.EnterEngineCall(Handle.Stamp);
            try
            {
                if (call.Admitted)
                {
                    StreamContext.Connection.ResetStream(Handle.Stamp.StreamId, localAbortCode);
                }
            }
            catch (QuicTransportException)
            {
                // The connection is gone: the half ends with the connection's close event.
            }
        }

        Publish(step);
    }

    private void Publish(in StepResult<SendState> step)
    {
        foreach (var transition in step.Transitions)
        {
            _stream.OnHalfTransition(new StreamTransition(Handle.Stamp, StreamHalf.Send, transition, default));
        }
    }
}
