using System.Buffers;

namespace QuicActors.Transport.InMemory.Internal;

/// <summary>Receiving part of a stream, RFC 9000 §3.2 (Data Read and Reset Read are the application's business).</summary>
internal enum ReceiveState : byte
{
    Recv,
    SizeKnown,
    DataRecvd,
    ResetRecvd,
}

/// <summary>
/// The receive half of a stream: what arrived, what was handed to the application, what it consumed, the limit we
/// advertised, and segments that arrived ahead of a gap (reassembly by offset, RFC 9000 §2.2).
/// </summary>
internal sealed class InMemoryReceiveStream(QuicStreamId id, long window)
{
    private SortedList<long, Segment>? _outOfOrder;

    public QuicStreamId Id { get; } = id;

    public ReceiveState State { get; set; }

    /// <summary>The final size, once a FIN or RESET_STREAM declared it; -1 before (RFC 9000 §4.5).</summary>
    public long FinalSize { get; set; } = -1;

    /// <summary>The highest offset received: what counts against flow control.</summary>
    public long HighestReceived { get; set; }

    /// <summary>How many distinct bytes arrived (without retransmission on this wire, no byte arrives twice).</summary>
    public long ReceivedBytes { get; set; }

    /// <summary>Bytes handed to the application as events, contiguous from 0.</summary>
    public long Delivered { get; set; }

    /// <summary>Bytes the application said it read (<see cref="IQuicEngineConnection.Consume"/>).</summary>
    public long Consumed { get; set; }

    /// <summary>The MAX_STREAM_DATA we advertised.</summary>
    public long MaxStreamData { get; set; } = window;

    /// <summary>Bytes that will never be consumed (discarded after STOP_SENDING, or cut off by RESET_STREAM), already given back to the connection window.</summary>
    public long DeadBytes { get; set; }

    /// <summary>Whether we sent STOP_SENDING: data still arriving is discarded.</summary>
    public bool StopSent { get; set; }

    public bool IsTerminal => State is ReceiveState.DataRecvd or ReceiveState.ResetRecvd;

    public bool AllReceived => FinalSize >= 0 && ReceivedBytes == FinalSize;

    public void Hold(long offset, byte[]? buffer, int length, bool fin) =>
        (_outOfOrder ??= new SortedList<long, Segment>()).Add(offset, new Segment(buffer, length, fin));

    /// <summary>Takes the held segment that starts at <see cref="Delivered"/>, if one does.</summary>
    public bool TryTakeNext(out byte[]? buffer, out int length, out bool fin)
    {
        if (_outOfOrder is { Count: > 0 } && _outOfOrder.Keys[0] == Delivered)
        {
            var segment = _outOfOrder.Values[0];
            _outOfOrder.RemoveAt(0);
            (buffer, length, fin) = (segment.Buffer, segment.Length, segment.Fin);
            return true;
        }
        (buffer, length, fin) = (null, 0, false);
        return false;
    }

    /// <summary>Returns held buffers to the pool and reports how many bytes they held.</summary>
    public long DropHeld()
    {
        if (_outOfOrder is null) return 0;
        long bytes = 0;
        foreach (var segment in _outOfOrder.Values)
        {
            bytes += segment.Length;
            if (segment.Buffer is not null) ArrayPool<byte>.Shared.Return(segment.Buffer);
        }
        _outOfOrder.Clear();
        return bytes;
    }

    private readonly record struct Segment(byte[]? Buffer, int Length, bool Fin);
}
