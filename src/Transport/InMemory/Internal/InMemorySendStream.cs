using System.Buffers;

namespace QuicActors.Transport.InMemory.Internal;

/// <summary>Sending part of a stream, RFC 9000 §3.1.</summary>
internal enum SendState : byte
{
    Ready,
    Send,
    DataSent,
    DataRecvd,
    ResetSent,
    ResetRecvd,
}

/// <summary>
/// The send half of a stream: bytes the application wrote that flow control has not let out yet, the peer's stream
/// limit, and the writers waiting for buffer space. State only; <see cref="InMemoryConnection"/> drives it under the
/// wire's lock.
/// </summary>
internal sealed class InMemorySendStream(QuicStreamId id, long maxStreamData)
{
    private Queue<BufferChunk>? _pending;
    private Queue<PendingWrite>? _writers;
    private int _headTaken; // bytes of the head chunk already sent, when credit split it

    public QuicStreamId Id { get; } = id;

    public SendState State { get; set; }

    /// <summary>Bytes accepted from the application: the offset the next write starts at.</summary>
    public long Written { get; set; }

    /// <summary>Bytes handed to the wire.</summary>
    public long Sent { get; set; }

    /// <summary>The peer's MAX_STREAM_DATA for this stream (RFC 9000 §4.1).</summary>
    public long MaxStreamData { get; set; } = maxStreamData;

    public bool FinQueued { get; set; }

    /// <summary>Whether the stream waits in the connection's list of streams blocked on MAX_DATA.</summary>
    public bool BlockedOnConnection { get; set; }

    /// <summary>The code of our RESET_STREAM, or of the peer's STOP_SENDING that caused it.</summary>
    public long ResetCode { get; set; }

    public bool ResetByPeer { get; set; }

    public bool IsTerminal => State is SendState.DataRecvd or SendState.ResetRecvd;

    /// <summary>Whether the half can still be reset: nothing acknowledged it as finished and no reset went out yet.</summary>
    public bool CanReset => State is SendState.Ready or SendState.Send or SendState.DataSent;

    public bool HasPending => _pending is { Count: > 0 };

    public long Buffered => Written - Sent;

    public void Enqueue(byte[] array, int length)
    {
        (_pending ??= new Queue<BufferChunk>()).Enqueue(new BufferChunk(array, length));
        Written += length;
    }

    /// <summary>
    /// Takes up to <paramref name="max"/> bytes from the head of the queue. A whole chunk moves to the frame without a
    /// copy; when credit splits a chunk, the part sent is copied, the one case where the data path copies twice.
    /// </summary>
    public (byte[] Buffer, int Length) Take(int max)
    {
        var head = _pending!.Peek();
        if (_headTaken == 0 && head.Length <= max)
        {
            _pending.Dequeue();
            return (head.Array, head.Length);
        }
        var length = Math.Min(max, head.Length - _headTaken);
        var copy = ArrayPool<byte>.Shared.Rent(length);
        head.Array.AsSpan(_headTaken, length).CopyTo(copy);
        _headTaken += length;
        if (_headTaken == head.Length)
        {
            _pending.Dequeue();
            ArrayPool<byte>.Shared.Return(head.Array);
            _headTaken = 0;
        }
        return (copy, length);
    }

    /// <summary>Returns every unsent buffer to the pool (on reset, close or 0-RTT rejection).</summary>
    public void DropPending()
    {
        if (_pending is null) return;
        while (_pending.TryDequeue(out var chunk)) ArrayPool<byte>.Shared.Return(chunk.Array);
        _headTaken = 0;
    }

    /// <summary>Registers a writer that waits until its last byte fits in the send buffer.</summary>
    public PendingWrite AddWriter(long end)
    {
        var writer = new PendingWrite(end);
        (_writers ??= new Queue<PendingWrite>()).Enqueue(writer);
        return writer;
    }

    /// <summary>Releases writers whose data now fits in <paramref name="bufferSize"/> bytes of unsent data.</summary>
    public void ReleaseWriters(int bufferSize)
    {
        if (_writers is null) return;
        while (_writers.TryPeek(out var writer) && writer.End - Sent <= bufferSize)
        {
            _writers.Dequeue();
            writer.TrySetResult();
        }
    }

    public void FailWriters(Exception error)
    {
        if (_writers is null) return;
        while (_writers.TryDequeue(out var writer)) writer.TrySetException(error);
    }

    private readonly record struct BufferChunk(byte[] Array, int Length);
}

/// <summary>A write waiting for send-buffer space; completes when the bytes up to <see cref="End"/> fit.</summary>
internal sealed class PendingWrite(long end) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public long End { get; } = end;
}
