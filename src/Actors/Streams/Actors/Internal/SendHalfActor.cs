using QuicActors.Kernel;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Streams.Internal;

/// <summary>
/// Hosts the pure <see cref="SendHalf"/> (RFC 9000 §3.1) for one stream: applies local commands and engine events,
/// carries out the frame each step asks for, publishes every transition once to its parent, and stops when terminal.
/// </summary>
internal sealed class SendHalfActor : ActorBase
{
    private readonly IQuicEngineConnection _connection;
    private readonly GenerationTracker _generations;
    private readonly StreamHandleStamp _stamp;
    private readonly List<TaskCompletionSource> _pendingWrites = [];
    private SendHalf _half;
    private bool _resetByPeer;

    public SendHalfActor(IQuicEngineConnection connection, GenerationTracker generations, StreamHandleStamp stamp)
    {
        _connection = connection;
        _generations = generations;
        _stamp = stamp;
    }

    /// <summary>
    /// A switch rather than <see cref="ReceiveActor"/> registrations: a stream has a half actor per direction on each
    /// side, and per-instance handler delegates cost more than the rest of the actor while it sits idle.
    /// </summary>
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case WriteCommand write:
                OnWrite(write);
                return true;
            case AbortCommand abort:
                FailPendingWrites(new StreamAbortedException(StreamHalf.Send, abort.ErrorCode, byPeer: false));
                Publish(_half.Abort((ulong)abort.ErrorCode), localAbortCode: abort.ErrorCode);
                return true;
            case PeerStopSending stop:
                _resetByPeer |= _half.ResetErrorCode is null;
                FailPendingWrites(new StreamAbortedException(StreamHalf.Send, stop.ApplicationErrorCode, byPeer: true));
                Publish(_half.OnStopSending((ulong)stop.ApplicationErrorCode), localAbortCode: stop.ApplicationErrorCode);
                return true;
            case StreamFinAcknowledged:
                // After a reset the engine refused (its send side had already finished: IQuicEngineConnection.ResetStream
                // returned false), no RESET_STREAM goes out and no reset acknowledgement will come; the acknowledgement of
                // the FIN that got there first is the one that says the peer has everything, so it ends Reset Sent too.
                Publish(_half.State == SendState.ResetSent ? _half.OnResetAcknowledged() : _half.OnAllDataAcknowledged());
                return true;
            case StreamResetAcknowledged:
                Publish(_half.OnResetAcknowledged());
                return true;
            case ConnectionClosed:
                Publish(_half.OnConnectionClosed());
                return true;
            case GenerationDiscarded:
                FailPendingWrites(new StaleHandleException(_stamp, _generations.Current.Generation));
                Publish(_half.OnGenerationDiscarded());
                return true;
            default:
                return false;
        }
    }

    public static Props Props(IQuicEngineConnection connection, GenerationTracker generations, StreamHandleStamp stamp) =>
        Kernel.Props.Create(() => new SendHalfActor(connection, generations, stamp));

    private void OnWrite(WriteCommand command)
    {
        // Invariant 5, again right before the engine: stream IDs restart at 0 in a new generation.
        if (!_generations.IsCurrent(_stamp))
        {
            command.Fail(new StaleHandleException(_stamp, _generations.Current.Generation));
            return;
        }

        var step = command.Data.IsEmpty ? default : _half.Write(command.Data.Length);
        if (step.IsFailure)
        {
            command.Fail(_half.ResetErrorCode is { } code
                ? new StreamAbortedException(StreamHalf.Send, (long)code, _resetByPeer)
                : new InvalidOperationException($"Stream {_stamp.StreamId}: cannot write in send state {_half.State} ({step.Error})."));
            return;
        }

        PublishTransitions(step);
        if (command.Fin)
        {
            var fin = _half.CompleteWrites();
            if (fin.IsFailure || (!fin.Changed && _half.State != SendState.DataSent))
            {
                command.Fail(new InvalidOperationException($"Stream {_stamp.StreamId}: cannot complete writes in send state {_half.State}."));
                return;
            }

            PublishTransitions(fin);
        }

        ValueTask write;
        try
        {
            write = _connection.WriteAsync(_stamp.StreamId, command.Data, command.Fin);
        }
        catch (QuicTransportException ex) when (ex.Error == QuicTransportError.StreamAborted && ex.ApplicationErrorCode is { } code)
        {
            // The engine saw the peer's STOP_SENDING before its event reached this actor: report the abort, with its code.
            command.Fail(new StreamAbortedException(StreamHalf.Send, code, byPeer: _half.ResetErrorCode is null || _resetByPeer));
            return;
        }
        catch (QuicTransportException ex)
        {
            command.Fail(StaleIfDiscardedEarly(ex, _connection, _stamp));
            return;
        }

        if (write.IsCompletedSuccessfully)
        {
            command.Completion.TrySetResult();
        }
        else
        {
            // Remember the caller so an abort can fail it at once rather than when the engine gets round to it.
            _pendingWrites.RemoveAll(static c => c.Task.IsCompleted);
            _pendingWrites.Add(command.Completion);
            _ = CompleteWhenWrittenAsync(write, command.Completion, _connection, _stamp);
        }

        StopIfTerminal();
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
    /// generation gate and then finds no stream in the engine (or is failed by the rejection while it waited). That is
    /// the stale-handle case a moment early, not a transport error: nothing was sent, and the caller gets the
    /// <see cref="StaleHandleException"/> the gate gives it a moment later. Only generation 1 can hold 0-RTT streams.
    /// </summary>
    private static Exception StaleIfDiscardedEarly(QuicTransportException ex, IQuicEngineConnection connection, StreamHandleStamp stamp) =>
        ex.Error is QuicTransportError.StreamNotFound or QuicTransportError.EarlyDataRejected && stamp.Generation == 1 && connection.IsEarlyDataRejected
            ? new StaleHandleException(stamp, stamp.Generation + 1)
            : ex;

    private void FailPendingWrites(Exception exception)
    {
        foreach (var completion in _pendingWrites)
        {
            completion.TrySetException(exception);
        }

        _pendingWrites.Clear();
    }

    private void Publish(StepResult<SendState> step, long localAbortCode = 0)
    {
        if (step.Action.Kind == StreamActionKind.SendResetStream && _generations.IsCurrent(_stamp))
        {
            try
            {
                _connection.ResetStream(_stamp.StreamId, localAbortCode);
            }
            catch (QuicTransportException)
            {
                // The connection is gone: the half ends with the connection's close event.
            }
        }

        PublishTransitions(step);
        StopIfTerminal();
    }

    private void PublishTransitions(in StepResult<SendState> step)
    {
        foreach (var transition in step.Transitions)
        {
            Context.Parent.Tell(new HalfTransitioned(new StreamTransition(_stamp, StreamHalf.Send, transition, default)), Self);
        }
    }

    private void StopIfTerminal()
    {
        if (_half.IsTerminal)
        {
            Context.Stop(Self);
        }
    }
}
