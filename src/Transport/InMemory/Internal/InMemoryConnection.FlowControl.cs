namespace QuicActors.Transport.InMemory.Internal;

/// <summary>
/// Flow control (RFC 9000 §4): what the peer lets us send (MAX_DATA, MAX_STREAM_DATA) and what we let it send. Our
/// limits move only when the application consumes, or when bytes are known dead (discarded, reset, released).
/// </summary>
internal sealed partial class InMemoryConnection
{
    private readonly Queue<InMemorySendStream> _blocked = new();
    private long _sendMaxData;
    private long _sentData;
    private long _receiveMaxData;
    private long _received;
    private long _consumedTotal;

    /// <summary>Sends what credit allows, FIN included, and releases writers that fit. Caller holds the lock.</summary>
    private void Flush(InMemorySendStream send)
    {
        while (send.HasPending)
        {
            var streamCredit = send.MaxStreamData - send.Sent;
            var connectionCredit = _sendMaxData - _sentData;
            if (streamCredit <= 0) break; // MAX_STREAM_DATA will flush it
            if (connectionCredit <= 0)
            {
                if (!send.BlockedOnConnection)
                {
                    send.BlockedOnConnection = true;
                    _blocked.Enqueue(send);
                }
                break;
            }
            var (buffer, length) = send.Take((int)Math.Min(Math.Min(streamCredit, connectionCredit), MaxChunk));
            var fin = send.FinQueued && !send.HasPending;
            SendFrame(new Frame { Kind = FrameKind.Stream, StreamId = send.Id.Value, Offset = send.Sent, Buffer = buffer, Length = length, Fin = fin });
            send.Sent += length;
            _sentData += length;
            if (fin) send.State = SendState.DataSent;
        }
        if (!send.HasPending && send.FinQueued && send.State is SendState.Ready or SendState.Send)
        {
            SendFrame(new Frame { Kind = FrameKind.Stream, StreamId = send.Id.Value, Offset = send.Sent, Fin = true });
            send.State = SendState.DataSent;
        }
        send.ReleaseWriters(_local.StreamSendBufferSize);
    }

    /// <summary>Checks and counts bytes up to <paramref name="end"/> against our limits; false when it closed the connection.</summary>
    private bool AccountReceived(InMemoryReceiveStream receive, long end)
    {
        if (end > receive.MaxStreamData)
        {
            CloseWithTransportError(TransportErrorCode.FlowControlError, $"stream {receive.Id}: data up to offset {end} beyond the advertised MAX_STREAM_DATA {receive.MaxStreamData}");
            return false;
        }
        if (end <= receive.HighestReceived) return true;
        _received += end - receive.HighestReceived;
        receive.HighestReceived = end;
        if (_received > _receiveMaxData)
        {
            CloseWithTransportError(TransportErrorCode.FlowControlError, $"{_received} bytes received on all streams, beyond the advertised MAX_DATA {_receiveMaxData}");
            return false;
        }
        return true;
    }

    public void Consume(QuicStreamId streamId, int bytes)
    {
        if (bytes < 0) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"Cannot consume {bytes} bytes of stream {streamId}: the count must not be negative.");
        lock (_wire.Gate)
        {
            ThrowIfClosed("consume");
            if (!_streams.TryGet(streamId, out var entry)) throw QuicTransportException.StreamNotFound(streamId, "consume");
            var receive = entry.Receive ?? throw QuicTransportException.DirectionClosed(streamId, "cannot consume: this endpoint has no receive half on a unidirectional stream it opened");
            var unconsumed = receive.Delivered - receive.Consumed;
            if (bytes > unconsumed)
                throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"Cannot consume {bytes} bytes of stream {streamId}: only {unconsumed} delivered bytes are not consumed yet.");
            if (bytes == 0) return;
            receive.Consumed += bytes;
            _consumedTotal += bytes;
            if (receive.State == ReceiveState.Recv && !receive.StopSent)
            {
                var target = receive.Consumed + _local.StreamReceiveWindow;
                if (target - receive.MaxStreamData >= UpdateThreshold(_local.StreamReceiveWindow))
                {
                    receive.MaxStreamData = target;
                    SendFrame(new Frame { Kind = FrameKind.MaxStreamData, StreamId = streamId.Value, Offset = target });
                }
            }
            MaybeSendMaxData();
            _wire.Pump();
        }
    }

    /// <summary>Gives <paramref name="bytes"/> back to the connection window (consumed or dead). Caller holds the lock.</summary>
    private void CreditConnection(long bytes)
    {
        if (bytes <= 0) return;
        _consumedTotal += bytes;
        MaybeSendMaxData();
    }

    private void MaybeSendMaxData()
    {
        var target = _consumedTotal + _local.ConnectionReceiveWindow;
        if (target - _receiveMaxData < UpdateThreshold(_local.ConnectionReceiveWindow) || _state == ConnectionState.Closed) return;
        _receiveMaxData = target;
        SendFrame(new Frame { Kind = FrameKind.MaxData, Offset = target });
    }

    // Window updates go out once a quarter of the window is free again: few frames, and the peer never stalls for long.
    private static long UpdateThreshold(long window) => Math.Max(1, window / 4);

    private void OnMaxDataFrame(long maxData)
    {
        if (maxData <= _sendMaxData) return;
        _sendMaxData = maxData;
        for (var n = _blocked.Count; n > 0 && _sentData < _sendMaxData && _blocked.TryDequeue(out var send); n--)
        {
            send.BlockedOnConnection = false;
            if (send.State == SendState.Send) Flush(send);
        }
    }

    private void OnMaxStreamDataFrame(Frame frame)
    {
        var entry = StreamForFrame(new QuicStreamId(frame.StreamId), FrameKind.MaxStreamData, out _);
        if (entry?.Send is not { } send || frame.Offset <= send.MaxStreamData) return;
        send.MaxStreamData = frame.Offset;
        if (send.State == SendState.Send) Flush(send);
    }
}
