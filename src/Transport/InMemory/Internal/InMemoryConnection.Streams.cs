using QuicActors.Transport.Events;

namespace QuicActors.Transport.InMemory.Internal;

/// <summary>Streams: opening with credit (RFC 9000 §4.6), IDs (§2.1), send and receive states (§3.1, §3.2), aborts (§3.5).</summary>
internal sealed partial class InMemoryConnection
{
    /// <summary>The largest STREAM frame payload; writes are cut into pooled chunks of at most this size.</summary>
    private const int MaxChunk = 32 * 1024;

    public ValueTask<QuicStreamId> OpenStreamAsync(StreamDirection direction, CancellationToken cancellationToken = default)
    {
        CheckDirection(direction);
        lock (_wire.Gate)
        {
            ThrowIfClosed("open a stream");
            var d = StreamsMap.IndexOf(direction);
            if (_streams.Waiters[d].Count == 0 && _streams.Available(direction) > 0)
                return new ValueTask<QuicStreamId>(OpenCore(direction));
            cancellationToken.ThrowIfCancellationRequested();
            var waiter = new OpenWaiter(direction);
            waiter.Node = _streams.Waiters[d].AddLast(waiter);
            if (cancellationToken.CanBeCanceled)
            {
                waiter.Registration = cancellationToken.Register(static (state, token) =>
                {
                    var (connection, w) = ((InMemoryConnection, OpenWaiter))state!;
                    connection.CancelOpen(w, token);
                }, (this, waiter));
            }
            return new ValueTask<QuicStreamId>(waiter.Task);
        }
    }

    public bool TryOpenStream(StreamDirection direction, out QuicStreamId streamId)
    {
        CheckDirection(direction);
        lock (_wire.Gate)
        {
            ThrowIfClosed("open a stream");
            if (_streams.Waiters[StreamsMap.IndexOf(direction)].Count == 0 && _streams.Available(direction) > 0)
            {
                streamId = OpenCore(direction);
                return true;
            }
            streamId = default;
            return false;
        }
    }

    private static void CheckDirection(StreamDirection direction)
    {
        if (direction is not (StreamDirection.Bidirectional or StreamDirection.Unidirectional))
            throw new ArgumentOutOfRangeException(nameof(direction), direction, $"Unknown stream direction {(int)direction}.");
    }

    private void CancelOpen(OpenWaiter waiter, CancellationToken token)
    {
        lock (_wire.Gate)
        {
            if (waiter.Node is null) return;
            _streams.Waiters[StreamsMap.IndexOf(waiter.Direction)].Remove(waiter.Node);
            waiter.Node = null;
        }
        waiter.TrySetCanceled(token);
    }

    private QuicStreamId OpenCore(StreamDirection direction)
    {
        var d = StreamsMap.IndexOf(direction);
        var id = QuicStreamId.Create(Role, direction, _streams.NextOutgoing[d]++);
        var send = new InMemorySendStream(id, _peer!.StreamReceiveWindow);
        var receive = direction == StreamDirection.Bidirectional ? new InMemoryReceiveStream(id, _local.StreamReceiveWindow) : null;
        _streams.Add(new StreamEntry(id, send, receive, _state == ConnectionState.EarlyData));
        return id;
    }

    /// <summary>Hands credit to waiting opens in FIFO order. Caller holds the lock.</summary>
    private void GrantWaiters(StreamDirection direction)
    {
        var waiters = _streams.Waiters[StreamsMap.IndexOf(direction)];
        while (waiters.First is { } node && _streams.Available(direction) > 0)
        {
            var waiter = node.Value;
            waiters.RemoveFirst();
            waiter.Node = null;
            waiter.Registration.Unregister(); // never Dispose under the lock: it waits for a running callback, which waits for the lock
            waiter.TrySetResult(OpenCore(direction));
        }
    }

    public ValueTask WriteAsync(QuicStreamId streamId, ReadOnlyMemory<byte> data, bool fin)
    {
        lock (_wire.Gate)
        {
            ThrowIfClosed("write");
            var send = SendHalf(streamId, "write");
            if (send.State is SendState.ResetSent or SendState.ResetRecvd)
                throw QuicTransportException.StreamAborted(streamId, send.ResetCode, send.ResetByPeer ? "cannot write: the peer sent STOP_SENDING" : "cannot write: the send half was reset");
            if (send.FinQueued)
                throw QuicTransportException.DirectionClosed(streamId, "cannot write: the send half is finished (FIN already written)");
            if (data.IsEmpty && !fin) return ValueTask.CompletedTask;

            var span = data.Span;
            while (!span.IsEmpty)
            {
                var length = Math.Min(span.Length, MaxChunk);
                var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
                span[..length].CopyTo(chunk);
                send.Enqueue(chunk, length);
                span = span[length..];
            }
            send.FinQueued = fin;
            if (send.State == SendState.Ready) send.State = SendState.Send;
            Flush(send);
            // Register before pumping: the pump may deliver the peer's STOP_SENDING, which must fail this write too.
            var writer = send.Buffered > _local.StreamSendBufferSize ? send.AddWriter(send.Written) : null;
            _wire.Pump();
            return writer is null ? ValueTask.CompletedTask : new ValueTask(writer.Task);
        }
    }

    public bool ResetStream(QuicStreamId streamId, long applicationErrorCode)
    {
        ApplicationErrorCodes.Validate(applicationErrorCode, nameof(applicationErrorCode));
        lock (_wire.Gate)
        {
            ThrowIfClosed("reset a stream");
            var send = SendHalf(streamId, "reset a stream");
            if (!send.CanReset) return false;
            ResetCore(send, applicationErrorCode, byPeer: false);
            _wire.Pump();
            return true;
        }
    }

    public bool StopSending(QuicStreamId streamId, long applicationErrorCode)
    {
        ApplicationErrorCodes.Validate(applicationErrorCode, nameof(applicationErrorCode));
        lock (_wire.Gate)
        {
            ThrowIfClosed("stop sending");
            if (!_streams.TryGet(streamId, out var entry)) throw QuicTransportException.StreamNotFound(streamId, "stop sending");
            if (entry.Receive is null) throw QuicTransportException.DirectionClosed(streamId, "cannot stop sending: this endpoint has no receive half on a unidirectional stream it opened");
            if (entry.Receive.IsTerminal || entry.Receive.StopSent) return false;
            StopSendingCore(entry, applicationErrorCode);
            _wire.Pump();
            return true;
        }
    }

    public void ReleaseStream(QuicStreamId streamId)
    {
        lock (_wire.Gate)
        {
            ThrowIfClosed("release a stream");
            if (!_streams.TryGet(streamId, out var entry)) throw QuicTransportException.StreamNotFound(streamId, "release the stream");
            // The caller should only release finished streams; whatever is still open is aborted so nothing leaks.
            if (entry.Send is { State: SendState.Ready or SendState.Send } send) ResetCore(send, 0, byPeer: false);
            if (entry.Receive is { } receive)
            {
                if (!receive.IsTerminal && !receive.StopSent) StopSendingCore(entry, 0);
                CreditConnection(receive.HighestReceived - receive.Consumed - receive.DeadBytes);
            }
            if (entry.Send is not null) entry.Send.DropPending();
            _streams.Remove(streamId);
            if (streamId.Initiator != Role)
            {
                var d = StreamsMap.IndexOf(streamId.Direction);
                SendFrame(new Frame { Kind = FrameKind.MaxStreams, Direction = streamId.Direction, Offset = ++_streams.LocalMaxStreams[d] });
            }
            _wire.Pump();
        }
    }

    private InMemorySendStream SendHalf(QuicStreamId streamId, string operation)
    {
        if (!_streams.TryGet(streamId, out var entry)) throw QuicTransportException.StreamNotFound(streamId, operation);
        return entry.Send ?? throw QuicTransportException.DirectionClosed(streamId, $"cannot {operation}: this endpoint has no send half on a unidirectional stream the peer opened");
    }

    /// <summary>RESET_STREAM (RFC 9000 §19.4): unsent data is dropped, pending writes fail. Caller holds the lock.</summary>
    private void ResetCore(InMemorySendStream send, long code, bool byPeer)
    {
        send.State = SendState.ResetSent;
        send.ResetCode = code;
        send.ResetByPeer = byPeer;
        send.DropPending();
        send.FailWriters(QuicTransportException.StreamAborted(send.Id, code, byPeer
            ? "the peer sent STOP_SENDING and the engine answered with RESET_STREAM"
            : "the send half was reset"));
        SendFrame(new Frame { Kind = FrameKind.ResetStream, StreamId = send.Id.Value, Code = code, Offset = send.Sent });
    }

    /// <summary>STOP_SENDING (RFC 9000 §19.5): data held or still arriving is discarded. Caller holds the lock.</summary>
    private void StopSendingCore(StreamEntry entry, long code)
    {
        var receive = entry.Receive!;
        receive.StopSent = true;
        var dropped = receive.DropHeld();
        receive.DeadBytes += dropped;
        CreditConnection(dropped);
        SendFrame(new Frame { Kind = FrameKind.StopSending, StreamId = entry.Id.Value, Code = code });
    }

    /// <summary>Finds the stream a frame names, opening peer streams implicitly (RFC 9000 §3.2); null when the frame is to be ignored.</summary>
    private StreamEntry? StreamForFrame(QuicStreamId id, FrameKind kind, out bool closedStream)
    {
        closedStream = false;
        if (_streams.TryGet(id, out var entry)) return entry;
        var d = StreamsMap.IndexOf(id.Direction);
        if (id.Initiator == Role)
        {
            if (id.Index < _streams.NextOutgoing[d])
            {
                closedStream = true;
                return null;
            }
            CloseWithTransportError(TransportErrorCode.StreamStateError, $"{kind} frame for stream {id}, which this endpoint never opened");
            return null;
        }
        if (id.Direction == StreamDirection.Unidirectional && kind is FrameKind.StopSending or FrameKind.MaxStreamData)
        {
            CloseWithTransportError(TransportErrorCode.StreamStateError, $"{kind} frame for stream {id}, a unidirectional stream the peer sends on");
            return null;
        }
        if (id.Index < _streams.IncomingOpened[d])
        {
            closedStream = true;
            return null;
        }
        if (id.Index >= _streams.LocalMaxStreams[d])
        {
            CloseWithTransportError(TransportErrorCode.StreamLimitError, $"the peer opened stream {id} (number {id.Index + 1} of its {id.Direction} streams) beyond the limit of {_streams.LocalMaxStreams[d]}");
            return null;
        }
        StreamEntry? opened = null;
        for (var index = _streams.IncomingOpened[d]; index <= id.Index; index++)
        {
            var streamId = QuicStreamId.Create(id.Initiator, id.Direction, index);
            var send = id.Direction == StreamDirection.Bidirectional ? new InMemorySendStream(streamId, _peer!.StreamReceiveWindow) : null;
            opened = new StreamEntry(streamId, send, new InMemoryReceiveStream(streamId, _local.StreamReceiveWindow), early: false);
            _streams.Add(opened);
            Emit(new PeerStreamOpened(streamId));
        }
        _streams.IncomingOpened[d] = id.Index + 1;
        return opened;
    }

    private void OnStreamFrame(Frame frame)
    {
        var id = new QuicStreamId(frame.StreamId);
        var entry = StreamForFrame(id, FrameKind.Stream, out var closedStream);
        if (entry is null)
        {
            if (closedStream)
            {
                // A released stream's bytes still counted against MAX_DATA at the sender: give them back at once.
                _received += frame.Length;
                CreditConnection(frame.Length);
            }
            frame.ReturnBuffer();
            return;
        }
        var receive = entry.Receive;
        if (receive is null)
        {
            frame.ReturnBuffer();
            CloseWithTransportError(TransportErrorCode.StreamStateError, $"STREAM frame for stream {id}, on which this endpoint only sends");
            return;
        }
        var end = frame.Offset + frame.Length;
        if (receive.FinalSize >= 0 && (end > receive.FinalSize || (frame.Fin && end != receive.FinalSize)))
        {
            frame.ReturnBuffer();
            CloseWithTransportError(TransportErrorCode.FinalSizeError, $"stream {id}: data up to offset {end}{(frame.Fin ? " with FIN" : "")} after the final size {receive.FinalSize} was declared");
            return;
        }
        if (frame.Fin && end < receive.HighestReceived)
        {
            frame.ReturnBuffer();
            CloseWithTransportError(TransportErrorCode.FinalSizeError, $"stream {id}: FIN at offset {end}, below the {receive.HighestReceived} bytes already received");
            return;
        }
        if (!AccountReceived(receive, end))
        {
            frame.ReturnBuffer();
            return;
        }
        receive.ReceivedBytes += frame.Length;
        if (frame.Fin && receive.FinalSize < 0)
        {
            receive.FinalSize = end;
            if (receive.State == ReceiveState.Recv) receive.State = ReceiveState.SizeKnown;
        }
        if (receive.State == ReceiveState.ResetRecvd)
        {
            frame.ReturnBuffer(); // counted when the RESET_STREAM declared the final size
            return;
        }
        if (receive.StopSent)
        {
            frame.ReturnBuffer();
            receive.DeadBytes += frame.Length;
            CreditConnection(frame.Length);
            if (receive.AllReceived && receive.State != ReceiveState.DataRecvd)
            {
                CompleteReceive(receive);
                // The discarded data is complete: its end is still reported (IQuicEngineConnection.StopSending).
                Emit(new StreamDataDiscarded(receive.Id, receive.FinalSize));
            }
            return;
        }
        if (frame.Offset == receive.Delivered)
        {
            var buffer = frame.Buffer;
            frame.Buffer = null;
            Deliver(receive, buffer, frame.Length, frame.Fin);
            while (receive.TryTakeNext(out var held, out var length, out var fin)) Deliver(receive, held, length, fin);
        }
        else
        {
            receive.Hold(frame.Offset, frame.Buffer, frame.Length, frame.Fin);
            frame.Buffer = null;
            SegmentsHeld++;
        }
        if (receive.FinalSize >= 0 && receive.Delivered == receive.FinalSize && receive.State != ReceiveState.DataRecvd) CompleteReceive(receive);
    }

    private void Deliver(InMemoryReceiveStream receive, byte[]? buffer, int length, bool fin)
    {
        Emit(new StreamDataReceived(receive.Id, receive.Delivered, length == 0 ? null : buffer, length, fin));
        if (length == 0 && buffer is not null) System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        receive.Delivered += length;
    }

    /// <summary>All data up to the final size arrived: Data Recvd (RFC 9000 §3.2); the ACK tells the sender.</summary>
    private void CompleteReceive(InMemoryReceiveStream receive)
    {
        receive.State = ReceiveState.DataRecvd;
        SendFrame(new Frame { Kind = FrameKind.FinAck, StreamId = receive.Id.Value });
    }

    private void OnResetStreamFrame(Frame frame)
    {
        var id = new QuicStreamId(frame.StreamId);
        var entry = StreamForFrame(id, FrameKind.ResetStream, out var closedStream);
        if (entry is null)
        {
            if (closedStream) SendFrame(new Frame { Kind = FrameKind.ResetAck, StreamId = frame.StreamId });
            return;
        }
        var receive = entry.Receive;
        if (receive is null)
        {
            CloseWithTransportError(TransportErrorCode.StreamStateError, $"RESET_STREAM for stream {id}, on which this endpoint only sends");
            return;
        }
        var finalSize = frame.Offset;
        if ((receive.FinalSize >= 0 && finalSize != receive.FinalSize) || finalSize < receive.HighestReceived)
        {
            CloseWithTransportError(TransportErrorCode.FinalSizeError, $"stream {id}: RESET_STREAM declares final size {finalSize}, but {(receive.FinalSize >= 0 ? $"the final size is {receive.FinalSize}" : $"{receive.HighestReceived} bytes were received")}");
            return;
        }
        if (!AccountReceived(receive, finalSize)) return;
        SendFrame(new Frame { Kind = FrameKind.ResetAck, StreamId = frame.StreamId });
        if (receive.IsTerminal) return; // all data already delivered: the reset changes nothing the application sees
        receive.State = ReceiveState.ResetRecvd;
        receive.FinalSize = finalSize;
        receive.DropHeld();
        var dead = finalSize - receive.Delivered;
        CreditConnection(dead - receive.DeadBytes);
        receive.DeadBytes = dead;
        Emit(new PeerResetStream(id, frame.Code, finalSize));
    }

    private void OnStopSendingFrame(Frame frame)
    {
        var id = new QuicStreamId(frame.StreamId);
        var entry = StreamForFrame(id, FrameKind.StopSending, out _);
        if (entry is null) return;
        if (entry.Send is null)
        {
            CloseWithTransportError(TransportErrorCode.StreamStateError, $"STOP_SENDING for stream {id}, on which this endpoint only receives");
            return;
        }
        Emit(new PeerStopSending(id, frame.Code));
        // RFC 9000 §3.5: an endpoint that receives STOP_SENDING sends RESET_STREAM, with the same code.
        if (entry.Send.CanReset) ResetCore(entry.Send, frame.Code, byPeer: true);
    }

    private void OnFinAck(Frame frame)
    {
        if (_streams.TryGet(new QuicStreamId(frame.StreamId), out var entry) && entry.Send is { State: SendState.DataSent } send)
        {
            send.State = SendState.DataRecvd;
            Emit(new StreamFinAcknowledged(send.Id));
        }
    }

    private void OnResetAck(Frame frame)
    {
        if (_streams.TryGet(new QuicStreamId(frame.StreamId), out var entry) && entry.Send is { State: SendState.ResetSent } send)
        {
            send.State = SendState.ResetRecvd;
            Emit(new StreamResetAcknowledged(send.Id));
        }
    }

    private void OnMaxStreamsFrame(StreamDirection direction, long maxStreams)
    {
        var d = StreamsMap.IndexOf(direction);
        if (maxStreams <= _streams.PeerMaxStreams[d]) return; // cumulative: smaller values are stale (RFC 9000 §19.11)
        _streams.PeerMaxStreams[d] = maxStreams;
        GrantWaiters(direction);
        Emit(new StreamCreditGranted(direction, maxStreams, _streams.Available(direction)));
    }

    /// <summary>Frees a stream's buffers and fails its pending writes with <paramref name="error"/>.</summary>
    private static void DropStream(StreamEntry entry, Exception error)
    {
        if (entry.Send is { } send)
        {
            send.DropPending();
            send.FailWriters(error);
        }
        entry.Receive?.DropHeld();
    }

    /// <summary>How many streams the endpoint still knows (not released), for tests.</summary>
    internal int StreamCount
    {
        get { lock (_wire.Gate) { return _streams.Count; } }
    }

    /// <summary>How many STREAM frames arrived ahead of a gap and waited for reassembly (a measure of reordering, for tests).</summary>
    internal long SegmentsHeld { get; private set; }

    /// <summary>How many bytes of <paramref name="id"/> have arrived, by offset (for fault triggers).</summary>
    internal long ReceivedBytesOf(QuicStreamId id) =>
        _streams.TryGet(id, out var entry) && entry.Receive is { } receive ? receive.HighestReceived : 0;

    /// <summary>Misbehaviour for tests: a STREAM frame on the first stream beyond the peer's limit.</summary>
    private void SendExceedingStream(StreamDirection direction)
    {
        var id = QuicStreamId.Create(Role, direction, _streams.PeerMaxStreams[StreamsMap.IndexOf(direction)]);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1);
        buffer[0] = 0xEE;
        SendFrame(new Frame { Kind = FrameKind.Stream, StreamId = id.Value, Buffer = buffer, Length = 1, Fin = true });
    }

    /// <summary>Misbehaviour for tests: data past the final size (declaring one with FIN first when none was sent).</summary>
    private void SendFinalSizeViolation(InMemorySendStream send)
    {
        var offset = send.Sent;
        if (send.State is SendState.Ready or SendState.Send)
        {
            var fin = System.Buffers.ArrayPool<byte>.Shared.Rent(1);
            SendFrame(new Frame { Kind = FrameKind.Stream, StreamId = send.Id.Value, Offset = offset, Buffer = fin, Length = 1, Fin = true });
            offset++;
        }
        var extra = System.Buffers.ArrayPool<byte>.Shared.Rent(1);
        SendFrame(new Frame { Kind = FrameKind.Stream, StreamId = send.Id.Value, Offset = offset, Buffer = extra, Length = 1 });
    }
}
