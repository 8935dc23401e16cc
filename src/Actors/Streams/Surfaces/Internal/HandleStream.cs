namespace QuicActors.Streams.Surfaces.Internal;

/// <summary>The <see cref="Stream"/> of <see cref="StreamHandleSurfaces.AsStream"/>; its remarks are the contract.</summary>
internal sealed class HandleStream(StreamHandle handle, StreamSurfaceOptions options) : Stream
{
    private int _readTimeout = Timeout.Infinite;
    private volatile bool _endOfStreamRead;
    private volatile bool _writesCompleted;
    private int _disposed;

    public override bool CanRead => handle.CanRead && !IsDisposed;

    public override bool CanWrite => handle.CanWrite && !IsDisposed;

    public override bool CanSeek => false;

    public override bool CanTimeout => true;

    public override int ReadTimeout
    {
        get => _readTimeout;
        set => _readTimeout = value > 0 || value == Timeout.Infinite
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ReadTimeout), value, $"ReadTimeout = {value}: must be a positive number of milliseconds or Timeout.Infinite (-1).");
    }

    public override long Length => throw new NotSupportedException("A QUIC stream has no length: it is not seekable.");

    public override long Position
    {
        get => throw new NotSupportedException("A QUIC stream has no position: it is not seekable.");
        set => throw new NotSupportedException("A QUIC stream has no position: it is not seekable.");
    }

    private bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A QUIC stream is not seekable.");

    public override void SetLength(long value) => throw new NotSupportedException("A QUIC stream has no length: it is not seekable.");

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    public override int Read(Span<byte> buffer)
    {
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var read = ReadAsync(rented.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!handle.CanRead)
        {
            throw new NotSupportedException($"Stream {handle.StreamId} has no receive half at this endpoint: it cannot be read.");
        }

        if (buffer.IsEmpty)
        {
            return 0;
        }

        var deadline = _readTimeout == Timeout.Infinite ? (TimeSpan?)null : TimeSpan.FromMilliseconds(_readTimeout);
        var read = await HandleOperations.ReadAsync(handle, buffer, deadline, options, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _endOfStreamRead = true;
        }

        return read;
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        // The write returns only once the handle has let go of the bytes, so a pooled copy can go straight back.
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.CopyTo(rented);
            WriteAsync(rented.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!handle.CanWrite)
        {
            throw new NotSupportedException($"Stream {handle.StreamId} has no send half at this endpoint: it cannot be written.");
        }

        return buffer.IsEmpty ? ValueTask.CompletedTask : HandleOperations.WriteAsync(handle, buffer, completeWrites: false, options, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            base.Dispose(disposing);
            return;
        }

        try
        {
            if (handle.CanWrite && !_writesCompleted && handle.SendState is SendState.Ready or SendState.Send)
            {
                _writesCompleted = true;
                // Not awaited: FIN may wait for the peer's window, and disposing must not. A failure here means the send
                // half already ended (completed through the handle, reset, or the connection closed): nothing to finish.
                _ = handle.CompleteWritesAsync().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            if (handle.CanRead && !_endOfStreamRead && handle.ReceiveState is ReceiveState.Recv or ReceiveState.SizeKnown or ReceiveState.DataRecvd)
            {
                HandleOperations.AbortQuietly(handle, StreamAbortDirection.Read, options.ReadAbandonedErrorCode);
            }
        }
        catch (StaleHandleException)
        {
            // The generation has ended: the stream is gone, there is nothing to finish or to stop.
        }
        finally
        {
            base.Dispose(disposing);
        }
    }
}
