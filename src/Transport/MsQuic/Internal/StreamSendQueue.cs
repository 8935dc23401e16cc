using System.Buffers;

namespace QuicActors.Transport.MsQuic.Internal;

/// <summary>
/// The bytes a stream's writers handed to the engine and System.Net.Quic has not yet taken: copied into pooled chunks,
/// bounded by <see cref="QuicTransportParameters.StreamSendBufferSize"/>, drained by one writer loop that issues one
/// <c>QuicStream.WriteAsync</c> at a time. Writers that find the buffer full wait in FIFO order and are copied in as
/// room frees up, so the bytes reach the wire in the order the writes were made.
/// </summary>
/// <remarks>
/// A write completes when all its bytes are buffered, never when the peer has them. Nothing here is ever cancelled by a
/// token: a waiting write ends only when room frees up or <see cref="Fail"/> is called (a reset, the peer's
/// STOP_SENDING, the connection closing), because cancelling a pending System.Net.Quic write would abort the direction.
/// </remarks>
internal sealed class StreamSendQueue
{
    private readonly Lock _lock = new();
    private readonly Queue<SendChunk> _chunks = new();
    private readonly Queue<PendingWrite> _blocked = new();
    private TaskCompletionSource<bool>? _dataReady;
    private Exception? _failure;
    private long _buffered;

    /// <summary>Creates a queue holding at most <paramref name="capacity"/> bytes.</summary>
    public StreamSendQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The most bytes buffered at once.</summary>
    public int Capacity { get; }

    /// <summary>Bytes buffered, including the chunk the writer loop is writing.</summary>
    public long BufferedBytes
    {
        get
        {
            lock (_lock) return _buffered;
        }
    }

    /// <summary>How many writes wait for room.</summary>
    public int BlockedWrites
    {
        get
        {
            lock (_lock) return _blocked.Count;
        }
    }

    /// <summary>Whether <see cref="Fail"/> was called.</summary>
    public bool IsFailed
    {
        get
        {
            lock (_lock) return _failure is not null;
        }
    }

    /// <summary>
    /// Copies <paramref name="data"/> in, with FIN after it when <paramref name="fin"/>; completes once every byte is
    /// buffered. The caller checks beforehand that the direction accepts writes; the queue only fails writes after
    /// <see cref="Fail"/>.
    /// </summary>
    public ValueTask EnqueueAsync(ReadOnlyMemory<byte> data, bool fin)
    {
        PendingWrite? write = null;
        TaskCompletionSource<bool>? wake;
        lock (_lock)
        {
            if (_failure is not null) return ValueTask.FromException(_failure);
            // Only a write that has to wait gets an object (and a task) of its own: when there is room for all of it,
            // the bytes are copied straight from the caller's memory and the write completes synchronously.
            var rest = _blocked.Count == 0 ? CopyIn(data) : data;
            if (_blocked.Count == 0 && rest.IsEmpty)
            {
                if (fin) _chunks.Enqueue(new SendChunk(null, 0, true));
            }
            else
            {
                write = new PendingWrite(rest, fin);
                _blocked.Enqueue(write);
            }
            wake = TakeDataWaiterIfReady();
        }
        wake?.TrySetResult(true);
        return write is null ? ValueTask.CompletedTask : new ValueTask(write.Completion.Task);
    }

    /// <summary>Takes the next chunk for the writer loop; a data chunk directly followed by FIN carries it.</summary>
    public bool TryDequeue(out SendChunk chunk)
    {
        lock (_lock)
        {
            if (_failure is not null || !_chunks.TryDequeue(out chunk)) 
            {
                chunk = default;
                return false;
            }
            if (!chunk.Fin && _chunks.TryPeek(out var next) && next.Length == 0 && next.Fin)
            {
                _chunks.Dequeue();
                chunk = chunk with { Fin = true };
            }
            return true;
        }
    }

    /// <summary>Completes with true when a chunk is ready, or false once the queue failed.</summary>
    public Task<bool> WaitForDataAsync()
    {
        lock (_lock)
        {
            if (_failure is not null) return Task.FromResult(false);
            if (_chunks.Count > 0) return Task.FromResult(true);
            _dataReady ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _dataReady.Task;
        }
    }

    /// <summary>The writer loop finished with <paramref name="chunk"/> (written or not): frees its room and copies waiting writes in.</summary>
    public void Release(SendChunk chunk)
    {
        if (chunk.Buffer is not null) ArrayPool<byte>.Shared.Return(chunk.Buffer);
        List<PendingWrite>? completed = null;
        TaskCompletionSource<bool>? wake;
        lock (_lock)
        {
            _buffered -= chunk.Length;
            if (_failure is null)
            {
                while (_blocked.TryPeek(out var head))
                {
                    Fill(head);
                    if (!head.IsCopied) break;
                    _blocked.Dequeue();
                    (completed ??= []).Add(head);
                }
            }
            wake = TakeDataWaiterIfReady();
        }
        wake?.TrySetResult(true);
        if (completed is not null)
        {
            foreach (var write in completed) write.Completion.TrySetResult();
        }
    }

    /// <summary>
    /// Fails waiting and later writes with <paramref name="failure"/>, drops every buffered chunk and wakes the writer loop.
    /// Idempotent: the first failure wins.
    /// </summary>
    public void Fail(Exception failure)
    {
        List<PendingWrite> blocked;
        List<SendChunk> dropped;
        TaskCompletionSource<bool>? wake;
        lock (_lock)
        {
            if (_failure is not null) return;
            _failure = failure;
            blocked = [.. _blocked];
            _blocked.Clear();
            dropped = [.. _chunks];
            _chunks.Clear();
            foreach (var c in dropped) _buffered -= c.Length;
            wake = _dataReady;
            _dataReady = null;
        }
        foreach (var c in dropped)
        {
            if (c.Buffer is not null) ArrayPool<byte>.Shared.Return(c.Buffer);
        }
        wake?.TrySetResult(false);
        foreach (var write in blocked) write.Completion.TrySetException(failure);
    }

    private void Fill(PendingWrite write)
    {
        write.Remaining = CopyIn(write.Remaining);
        if (write.Remaining.IsEmpty && !write.IsCopied)
        {
            write.IsCopied = true;
            if (write.Fin) _chunks.Enqueue(new SendChunk(null, 0, true));
        }
    }

    /// <summary>Copies as much of <paramref name="data"/> into pooled chunks as the capacity allows; returns the rest.</summary>
    private ReadOnlyMemory<byte> CopyIn(ReadOnlyMemory<byte> data)
    {
        while (data.Length > 0 && _buffered < Capacity)
        {
            var length = (int)Math.Min(data.Length, Capacity - _buffered);
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            data.Span[..length].CopyTo(buffer);
            data = data[length..];
            _chunks.Enqueue(new SendChunk(buffer, length, false));
            _buffered += length;
        }
        return data;
    }

    private TaskCompletionSource<bool>? TakeDataWaiterIfReady()
    {
        if (_chunks.Count == 0 || _dataReady is null) return null;
        var wake = _dataReady;
        _dataReady = null;
        return wake;
    }

    private sealed class PendingWrite(ReadOnlyMemory<byte> data, bool fin)
    {
        public ReadOnlyMemory<byte> Remaining { get; set; } = data;

        public bool Fin { get; } = fin;

        public bool IsCopied { get; set; }

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>One piece of a stream's outgoing bytes: a pooled buffer (null for a bare FIN) and whether FIN follows it.</summary>
/// <param name="Buffer">A buffer from <see cref="ArrayPool{T}.Shared"/>, returned by <see cref="StreamSendQueue.Release"/>.</param>
/// <param name="Length">How many bytes of the buffer are data.</param>
/// <param name="Fin">Whether the stream ends after these bytes.</param>
internal readonly record struct SendChunk(byte[]? Buffer, int Length, bool Fin)
{
    /// <summary>The data.</summary>
    public ReadOnlyMemory<byte> Memory => Buffer is null ? ReadOnlyMemory<byte>.Empty : Buffer.AsMemory(0, Length);
}
