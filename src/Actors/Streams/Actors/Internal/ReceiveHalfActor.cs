using QuicActors.Kernel;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Streams.Internal;

/// <summary>
/// Hosts the pure <see cref="ReceiveHalf"/> (RFC 9000 §3.2) for one stream: buffers received chunks for the handle's
/// reads, consumes what the application reads (the only receive backpressure), fails reads whose deadline passes
/// without touching the stream, publishes every transition once to its parent, and stops when terminal.
/// </summary>
internal sealed class ReceiveHalfActor : ActorBase, IWithTimers
{
    private readonly IQuicEngineConnection _connection;
    private readonly GenerationTracker _generations;
    private readonly StreamHandleStamp _stamp;
    private readonly StreamHandle _handle;
    private readonly Queue<StreamDataReceived> _chunks = new();
    private readonly List<PendingRead> _reads = [];
    private ReceiveHalf _half;
    private int _chunkOffset;
    private long _nextReadId;
    private long _drained;
    private bool _draining;
    private long? _localAbortCode;
    private long? _peerResetCode;

    public ReceiveHalfActor(IQuicEngineConnection connection, GenerationTracker generations, StreamHandleStamp stamp, StreamHandle handle)
    {
        _connection = connection;
        _generations = generations;
        _stamp = stamp;
        _handle = handle;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// A switch rather than <see cref="ReceiveActor"/> registrations: a stream has a half actor per direction on each
    /// side, and per-instance handler delegates cost more than the rest of the actor while it sits idle.
    /// </summary>
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case StreamDataReceived data:
                OnData(data);
                return true;
            case ReadCommand read:
                OnRead(read);
                return true;
            case ReadDeadline deadline:
                OnReadDeadline(deadline);
                return true;
            case AbortCommand abort:
                OnAbort(abort);
                return true;
            case PeerResetStream reset:
                OnPeerReset(reset);
                return true;
            case DrainReceive:
                OnDrain();
                return true;
            case GenerationDiscarded:
                FailReads(new StaleHandleException(_stamp, _generations.Current.Generation));
                Publish(_half.OnGenerationDiscarded());
                return true;
            case ConnectionClosed:
                FailReads(new InvalidOperationException($"Stream {_stamp.StreamId}: the connection closed."));
                Publish(_half.OnConnectionClosed());
                return true;
            default:
                return false;
        }
    }

    public static Props Props(IQuicEngineConnection connection, GenerationTracker generations, StreamHandleStamp stamp, StreamHandle handle) =>
        Kernel.Props.Create(() => new ReceiveHalfActor(connection, generations, stamp, handle));

    protected override void PostStop()
    {
        while (_chunks.TryDequeue(out var chunk))
        {
            chunk.Dispose();
        }

        FailReads(new InvalidOperationException($"Stream {_stamp.StreamId}: the receive half has ended."));
    }

    private void OnData(StreamDataReceived data)
    {
        var step = _half.OnStreamFrame((ulong)data.Offset, data.Length, data.IsFin);
        if (step.IsFailure || data.Length == 0 || _localAbortCode is not null)
        {
            data.Dispose();
        }
        else
        {
            _chunks.Enqueue(data);
        }

        PublishTransitions(step);
        Serve();
    }

    private void OnRead(ReadCommand read)
    {
        _reads.Add(new PendingRead(++_nextReadId, read));
        if (_half.State == ReceiveState.ResetRecvd && _peerResetCode is { } code)
        {
            // The read was sent before the handle saw the peer's reset: it reads the reset now, instead of waiting forever.
            FailReads(new StreamAbortedException(StreamHalf.Receive, code, byPeer: true));
            PublishTransitions(_half.OnResetRead());
            StopIfTerminal();
            return;
        }

        Serve();
        if (read.Deadline is { } deadline && !read.Completion.Task.IsCompleted)
        {
            Timers.StartSingleTimer(_nextReadId, new ReadDeadline(_nextReadId), deadline);
        }
    }

    private void OnReadDeadline(ReadDeadline deadline)
    {
        var index = _reads.FindIndex(r => r.Id == deadline.ReadId);
        if (index >= 0)
        {
            var read = _reads[index];
            _reads.RemoveAt(index);
            read.Command.Completion.TrySetException(new TimeoutException($"Stream {_stamp.StreamId}: the read deadline of {read.Command.Deadline} passed; the stream is still open."));
        }
    }

    private void OnAbort(AbortCommand abort)
    {
        _localAbortCode ??= abort.ErrorCode;
        FailReads(new StreamAbortedException(StreamHalf.Receive, abort.ErrorCode, byPeer: false));
        DiscardChunks(consume: false);
        var step = _half.StopSending((ulong)abort.ErrorCode);
        // Invariant 5, again right before the engine: stream IDs restart at 0 in a new generation.
        if (step.Action.Kind == StreamActionKind.SendStopSending && _generations.IsCurrent(_stamp))
        {
            try
            {
                _connection.StopSending(_stamp.StreamId, abort.ErrorCode);
            }
            catch (QuicTransportException)
            {
                // The connection is gone: the half ends with the connection's close event.
            }
        }

        Publish(step);
    }

    private void OnPeerReset(PeerResetStream reset)
    {
        _peerResetCode ??= reset.ApplicationErrorCode;
        var step = _half.OnResetStream((ulong)reset.ApplicationErrorCode, (ulong)reset.FinalSize);
        PublishTransitions(step);
        if (_half.State == ReceiveState.ResetRecvd)
        {
            DiscardChunks(consume: false);
            if (_reads.Count > 0 || _draining)
            {
                FailReads(new StreamAbortedException(StreamHalf.Receive, reset.ApplicationErrorCode, byPeer: true));
                PublishTransitions(_half.OnResetRead());
            }
        }

        StopIfTerminal();
    }

    private void OnDrain()
    {
        _draining = true;
        Serve();
        if (_half.State == ReceiveState.ResetRecvd)
        {
            PublishTransitions(_half.OnResetRead());
        }

        StopIfTerminal();
    }

    private void Serve()
    {
        if (_draining)
        {
            var discarded = DiscardChunks(consume: true);
            if (discarded > 0)
            {
                _drained += discarded;
                Context.Parent.Tell(new ReceiveDrained(_drained), Self);
            }
        }

        while (_reads.Count > 0 && _chunks.Count > 0)
        {
            var read = _reads[0];
            _reads.RemoveAt(0);
            var chunk = _chunks.Peek();
            var available = chunk.Data.Span[_chunkOffset..];
            var count = Math.Min(available.Length, read.Command.Buffer.Length);
            available[..count].CopyTo(read.Command.Buffer.Span);
            _chunkOffset += count;
            if (_chunkOffset == chunk.Length)
            {
                _chunks.Dequeue().Dispose();
                _chunkOffset = 0;
            }

            Consume(count);
            CancelDeadline(read.Id);
            read.Command.Completion.TrySetResult(count);
        }

        if (_chunks.Count == 0 && _half.State == ReceiveState.DataRecvd && (_reads.Count > 0 || _draining))
        {
            _handle.MarkEndOfStreamRead();
            foreach (var read in _reads)
            {
                CancelDeadline(read.Id);
                read.Command.Completion.TrySetResult(0);
            }

            _reads.Clear();
            PublishTransitions(_half.OnEofRead());
        }

        StopIfTerminal();
    }

    private long DiscardChunks(bool consume)
    {
        long total = 0;
        while (_chunks.TryDequeue(out var chunk))
        {
            var count = chunk.Length - _chunkOffset;
            _chunkOffset = 0;
            chunk.Dispose();
            if (consume)
            {
                Consume(count);
            }

            total += count;
        }

        return total;
    }

    private void Consume(int count)
    {
        if (count == 0)
        {
            return;
        }

        _half.OnBytesRead(count);
        if (!_generations.IsCurrent(_stamp))
        {
            return;
        }

        try
        {
            _connection.Consume(_stamp.StreamId, count);
        }
        catch (QuicTransportException)
        {
            // The connection or the stream is gone at the engine: there is no window left to extend.
        }
    }

    private void CancelDeadline(long readId)
    {
        if (Timers.IsTimerActive(readId))
        {
            Timers.Cancel(readId);
        }
    }

    private void FailReads(Exception exception)
    {
        foreach (var read in _reads)
        {
            read.Command.Completion.TrySetException(exception);
        }

        _reads.Clear();
    }

    private void Publish(StepResult<ReceiveState> step)
    {
        PublishTransitions(step);
        StopIfTerminal();
    }

    private void PublishTransitions(in StepResult<ReceiveState> step)
    {
        foreach (var transition in step.Transitions)
        {
            Context.Parent.Tell(new HalfTransitioned(new StreamTransition(_stamp, StreamHalf.Receive, default, transition)), Self);
        }
    }

    private void StopIfTerminal()
    {
        if (_half.IsTerminal)
        {
            Context.Stop(Self);
        }
    }

    private readonly record struct PendingRead(long Id, ReadCommand Command);
}
