using QuicActors.Kernel;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Streams.Internal;

/// <summary>
/// The receive half of one stream, a child state machine of its <see cref="StreamActor"/>: hosts the pure
/// <see cref="ReceiveHalf"/> (RFC 9000 §3.2), buffers received chunks for the handle's reads, consumes what the
/// application reads (the only receive backpressure), fails reads whose deadline passes without touching the stream, and
/// hands every transition, with its cause, once to the stream actor. Once terminal it takes no more input
/// (<see cref="End"/>); the stream actor answers for it.
/// </summary>
/// <remarks>Not an actor of its own, for the same reason as <see cref="SendHalfHost"/>. It runs only on its stream actor's turn.</remarks>
internal sealed class ReceiveHalfHost
{
    private readonly StreamActor _stream;
    private Queue<StreamDataReceived>? _chunks;
    private List<PendingRead>? _reads;
    private ReceiveHalf _half;
    private int _chunkOffset;
    private long _nextReadId;
    private long _drained;
    private bool _draining;
    // NoCode until set: application error codes are 0..2^62-1 (RFC 9000 §20.2), and two nullable longs cost 16 bytes
    // more on every idle stream.
    private const long NoCode = -1;
    private long _localAbortCode = NoCode;
    private long _peerResetCode = NoCode;

    public ReceiveHalfHost(StreamActor stream) => _stream = stream;

    // Read through the stream actor rather than kept here: two references less per half, on every idle stream.
    private StreamActorContext StreamContext => _stream.StreamContext;

    private StreamHandle Handle => _stream.Handle;

    public ReceiveState State => _half.State;

    public bool IsTerminal => _half.IsTerminal;

    private int ChunkCount => _chunks?.Count ?? 0;

    private int ReadCount => _reads?.Count ?? 0;

    public void OnGenerationDiscarded()
    {
        FailReads(new StaleHandleException(Handle.Stamp, StreamContext.Generations.Current.Generation));
        Publish(_half.OnGenerationDiscarded());
    }

    public void OnConnectionClosed()
    {
        // The connection's last generation ended: a read that got past the gate just before the close fails as every later
        // operation on the handle will (reads go straight to the stream actor, so one can arrive between the engine's close
        // and the connection actor's).
        FailReads(new StaleHandleException(Handle.Stamp));
        Publish(_half.OnConnectionClosed());
    }

    /// <summary>The half is terminal and its stream actor stops routing to it: give the chunks back and fail what still waits.</summary>
    public void End()
    {
        Handle.Reclaim(out _)?.Dispose();
        if (_chunks is { } chunks)
        {
            while (chunks.TryDequeue(out var chunk))
            {
                chunk.Dispose();
            }
        }

        if (ReadCount > 0)
        {
            FailReads(new InvalidOperationException($"Stream {Handle.Stamp.StreamId}: the receive half has ended."));
        }
    }

    public void OnData(StreamDataReceived data)
    {
        var step = _half.OnStreamFrame((ulong)data.Offset, data.Length, data.IsFin);
        if (step.IsFailure || data.Length == 0 || _localAbortCode != NoCode)
        {
            data.Dispose();
        }
        else if (ChunkCount > 0 || !CanOffer || !Handle.TryOffer(data, 0, last: _half.State == ReceiveState.DataRecvd))
        {
            (_chunks ??= new Queue<StreamDataReceived>(1)).Enqueue(data);
        }

        Publish(step);
        Serve();
        if (_half.State == ReceiveState.DataRecvd && ChunkCount == 0)
        {
            Handle.OnAllDataReceived();
        }
    }

    /// <summary>After this half's STOP_SENDING the engine discarded the rest of the peer's data, and says it ended: the half ends.</summary>
    public void OnDataDiscarded(StreamDataDiscarded discarded) =>
        Publish(_half.OnDiscardedDataEnded(discarded.FinalSize is { } size ? (ulong)size : null));

    /// <summary>The application read <paramref name="count"/> bytes of the chunk its handle was offered: their credit goes back, and the next chunk may go to the handle.</summary>
    public void OnOfferedBytesRead(int count)
    {
        Consume(count);
        OfferNext();
    }

    /// <summary>Whether data may go to the handle's read-ahead: no read waits here, and the half neither drains nor was aborted.</summary>
    private bool CanOffer => ReadCount == 0 && !_draining && _localAbortCode == NoCode;

    /// <summary>Hands the head of the queue to the handle for its next reads, when no read waits here.</summary>
    private void OfferNext()
    {
        if (!CanOffer || _chunks is not { Count: > 0 } chunks)
        {
            return;
        }

        var last = chunks.Count == 1 && _half.State == ReceiveState.DataRecvd;
        if (Handle.TryOffer(chunks.Peek(), _chunkOffset, last))
        {
            chunks.Dequeue();
            _chunkOffset = 0;
            DropEmptyBuffers();
        }
    }

    /// <summary>
    /// Takes the chunk the handle holds back to the front of the queue. The handle holds none while a read of its own
    /// waits here; a read it did not count (an empty buffer) may still find one.
    /// </summary>
    private void ReclaimOffered()
    {
        if (Handle.Reclaim(out var offset) is not { } chunk)
        {
            return;
        }

        var queue = new Queue<StreamDataReceived>(ChunkCount + 1);
        queue.Enqueue(chunk);
        if (_chunks is { } rest)
        {
            // A chunk is offered only from the front with nothing served from the rest, so the rest starts at offset 0.
            while (rest.TryDequeue(out var next))
            {
                queue.Enqueue(next);
            }
        }

        _chunks = queue;
        _chunkOffset = offset;
    }

    public void OnRead(ReadCommand read)
    {
        ReclaimOffered();
        var pending = new PendingRead(++_nextReadId, read);
        (_reads ??= new List<PendingRead>(1)).Add(pending);
        if (_half.State == ReceiveState.ResetRecvd && _peerResetCode != NoCode)
        {
            // The read was sent before the handle saw the peer's reset: it reads the reset now, instead of waiting forever.
            ReadPeerReset(_peerResetCode);
            return;
        }

        Serve();
        if (read.Deadline is { } deadline && !read.Completion.Task.IsCompleted)
        {
            // Serve takes reads from the front only, so a read it did not complete is still the last one.
            if (_reads is { Count: > 0 } reads && ReferenceEquals(reads[^1].Command, read))
            {
                reads[^1] = pending with { Deadline = _stream.ScheduleSelf(deadline, new ReadDeadline(pending.Id)) };
            }
        }
    }

    public void OnReadDeadline(ReadDeadline deadline)
    {
        var index = IndexOfRead(deadline.ReadId);
        if (index >= 0)
        {
            var read = _reads![index];
            _reads.RemoveAt(index);
            CancelDeadline(read);
            read.Command.Fail(new TimeoutException($"Stream {Handle.Stamp.StreamId}: the read deadline of {read.Command.Deadline} passed; the stream is still open."));
        }
    }

    public void OnAbort(long errorCode)
    {
        if (_localAbortCode == NoCode)
        {
            _localAbortCode = errorCode;
        }

        FailReads(new StreamAbortedException(StreamHalf.Receive, errorCode, byPeer: false));
        DiscardChunks(consume: false);
        var step = _half.StopSending((ulong)errorCode);
        // Invariant 5, again right before the engine: stream IDs restart at 0 in a new generation.
        if (step.Action.Kind == StreamActionKind.SendStopSending)
        {
            using var call = StreamContext.Generations.EnterEngineCall(Handle.Stamp);
            try
            {
                if (call.Admitted)
                {
                    StreamContext.Connection.StopSending(Handle.Stamp.StreamId, errorCode);
                }
            }
            catch (QuicTransportException)
            {
                // The connection is gone: the half ends with the connection's close event.
            }
        }

        Publish(step);
    }

    public void OnPeerReset(PeerResetStream reset)
    {
        if (_peerResetCode == NoCode)
        {
            _peerResetCode = reset.ApplicationErrorCode;
        }

        var step = _half.OnResetStream((ulong)reset.ApplicationErrorCode, (ulong)reset.FinalSize);
        Publish(step);
        if (_half.State == ReceiveState.ResetRecvd)
        {
            DiscardChunks(consume: false);
            if (ReadCount > 0 || _draining)
            {
                ReadPeerReset(reset.ApplicationErrorCode);
            }
        }
    }

    /// <summary>The handle answered a read with the peer's reset on its own: the application has been told.</summary>
    public void OnPeerResetRead()
    {
        if (_half.State == ReceiveState.ResetRecvd && _peerResetCode != NoCode)
        {
            ReadPeerReset(_peerResetCode);
        }
    }

    private int IndexOfRead(long id)
    {
        if (_reads is { } reads)
        {
            for (var i = 0; i < reads.Count; i++)
            {
                if (reads[i].Id == id) return i;
            }
        }

        return -1;
    }

    /// <summary>The pending reads fail with the peer's code and the half moves to Reset Read (RFC 9000 §3.2).</summary>
    private void ReadPeerReset(long code)
    {
        FailReads(new StreamAbortedException(StreamHalf.Receive, code, byPeer: true));
        Publish(_half.OnResetRead());
    }

    /// <summary>The linger policy: read and discard everything from now on, and take a reset as read.</summary>
    public void Drain()
    {
        _draining = true;
        Serve();
        if (_half.State == ReceiveState.ResetRecvd)
        {
            Publish(_half.OnResetRead());
        }
    }

    private void Serve()
    {
        if (_draining)
        {
            var discarded = DiscardChunks(consume: true);
            if (discarded > 0)
            {
                _drained += discarded;
                _stream.OnDrained(_drained);
            }
        }

        while (ReadCount > 0 && ChunkCount > 0)
        {
            var read = _reads![0];
            _reads.RemoveAt(0);
            var chunk = _chunks!.Peek();
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
            CancelDeadline(read);
            if (ChunkCount == 0 && _half.State == ReceiveState.DataRecvd)
            {
                // Before the answer, so the reader's next read finds EOF at its handle (see StreamHandle.ReadAsync).
                Handle.MarkEndOfDataDelivered();
            }

            read.Command.Answer(count);
        }

        ServeEndOfStream();
        OfferNext();
        DropEmptyBuffers();
    }

    /// <summary>The handle answered a read with EOF on its own (every byte was delivered and the FIN is in).</summary>
    public void OnEndOfStreamRead()
    {
        if (ChunkCount == 0 && _half.State == ReceiveState.DataRecvd)
        {
            ReadEndOfStream();
            DropEmptyBuffers();
        }
    }

    private void ServeEndOfStream()
    {
        if (ChunkCount == 0 && _half.State == ReceiveState.DataRecvd && (ReadCount > 0 || _draining))
        {
            ReadEndOfStream();
        }
    }

    /// <summary>EOF is read: the pending reads get 0 and the half moves to Data Read (RFC 9000 §3.2).</summary>
    private void ReadEndOfStream()
    {
        Handle.MarkEndOfStreamRead();
        CompleteReadsAtEndOfStream();
        Publish(_half.OnEofRead());
    }

    private void CompleteReadsAtEndOfStream()
    {
        if (_reads is { } reads)
        {
            foreach (var read in reads)
            {
                CancelDeadline(read);
                read.Command.Answer(0);
            }

            reads.Clear();
        }
    }

    private void DropEmptyBuffers()
    {
        // An idle stream keeps no empty buffers: most streams wait with nothing queued, and 2 KB per idle stream is the budget.
        if (_reads is { Count: 0 })
        {
            _reads = null;
        }

        if (_chunks is { Count: 0 })
        {
            _chunks = null;
        }
    }

    private long DiscardChunks(bool consume)
    {
        ReclaimOffered();
        long total = 0;
        if (_chunks is not { } chunks)
        {
            return total;
        }

        while (chunks.TryDequeue(out var chunk))
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
        using var call = StreamContext.Generations.EnterEngineCall(Handle.Stamp);
        if (!call.Admitted)
        {
            return;
        }

        try
        {
            StreamContext.Connection.Consume(Handle.Stamp.StreamId, count);
        }
        catch (QuicTransportException)
        {
            // The connection or the stream is gone at the engine: there is no window left to extend.
        }
    }

    private static void CancelDeadline(in PendingRead read) => read.Deadline?.Cancel();

    private void FailReads(Exception exception)
    {
        if (_reads is not { } reads)
        {
            return;
        }

        foreach (var read in reads)
        {
            CancelDeadline(read);
            read.Command.Fail(exception);
        }

        reads.Clear();
    }

    private void Publish(in StepResult<ReceiveState> step)
    {
        foreach (var transition in step.Transitions)
        {
            _stream.OnHalfTransition(new StreamTransition(Handle.Stamp, StreamHalf.Receive, default, transition));
        }
    }

    private readonly record struct PendingRead(long Id, ReadCommand Command, ICancelable? Deadline = null);
}
