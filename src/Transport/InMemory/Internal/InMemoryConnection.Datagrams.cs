using QuicActors.Transport.Events;

namespace QuicActors.Transport.InMemory.Internal;

/// <summary>
/// Datagrams (RFC 9221): usable when both ends advertised max_datagram_frame_size; received ones wait in a bounded
/// queue (the events not yet read), and those beyond it are dropped and counted, as an unreliable frame may be.
/// </summary>
internal sealed partial class InMemoryConnection
{
    private int _datagramsQueued;
    private long _datagramsDropped;

    public int MaxDatagramSize
    {
        get { lock (_wire.Gate) { return DatagramLimit(); } }
    }

    /// <summary>How many received datagrams were dropped because the receive queue was full.</summary>
    internal long DatagramsDropped => Interlocked.Read(ref _datagramsDropped);

    private int DatagramLimit() => _peer is null || _local.MaxDatagramFrameSize == 0 ? 0 : _peer.MaxDatagramFrameSize;

    public bool SendDatagram(ReadOnlySpan<byte> payload)
    {
        lock (_wire.Gate)
        {
            ThrowIfClosed("send a datagram");
            var limit = DatagramLimit();
            if (limit == 0)
            {
                throw new QuicTransportException(QuicTransportError.DatagramRejected,
                    $"Cannot send a datagram: datagrams were not negotiated (this endpoint allows {_local.MaxDatagramFrameSize} bytes, the peer {_peer?.MaxDatagramFrameSize ?? 0}; both must be above 0).");
            }
            if (payload.Length > limit)
            {
                throw new QuicTransportException(QuicTransportError.DatagramRejected,
                    $"Cannot send a datagram of {payload.Length} bytes: the peer accepts at most {limit} (max_datagram_frame_size).");
            }
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(1, payload.Length));
            payload.CopyTo(buffer);
            SendFrame(new Frame { Kind = FrameKind.Datagram, Buffer = buffer, Length = payload.Length });
            _wire.Pump();
            return true;
        }
    }

    private void OnDatagramFrame(Frame frame)
    {
        if (frame.Length > _local.MaxDatagramFrameSize)
        {
            frame.ReturnBuffer();
            CloseWithTransportError(TransportErrorCode.ProtocolViolation, $"DATAGRAM of {frame.Length} bytes, above the advertised max_datagram_frame_size {_local.MaxDatagramFrameSize}");
            return;
        }
        if (Volatile.Read(ref _datagramsQueued) >= _local.DatagramReceiveQueueCapacity)
        {
            Interlocked.Increment(ref _datagramsDropped);
            frame.ReturnBuffer();
            return;
        }
        Interlocked.Increment(ref _datagramsQueued);
        // The frame's pooled buffer goes to the event as it is: the receiver returns it when it disposes the event.
        var buffer = frame.Buffer!;
        frame.Buffer = null;
        Emit(new DatagramReceived(buffer, frame.Length));
    }

    /// <summary>The application took a datagram event off the channel: one more fits in the queue.</summary>
    internal void OnDatagramRead() => Interlocked.Decrement(ref _datagramsQueued);
}
