namespace QuicActors.Transport.MsQuic.Internal;

/// <summary>
/// Bytes delivered to the application and not yet consumed, against a window (RFC 9000 §4.1). The engine reads from
/// System.Net.Quic only while the budget has room, so System.Net.Quic's own flow-control window (which it extends as the
/// engine reads) grows only as fast as the application consumes: <see cref="IQuicEngineConnection.Consume"/> is the only
/// source of receive backpressure, as the contract requires.
/// </summary>
/// <remarks>Thread-safe. One instance per stream (one reader) and one per connection (shared by every stream's reader).</remarks>
internal sealed class ReceiveBudget
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _space;
    private long _outstanding;
    private bool _closed;

    /// <summary>Creates a budget of <paramref name="window"/> bytes.</summary>
    public ReceiveBudget(long window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        Window = window;
    }

    /// <summary>The window: the most bytes that may be delivered and not consumed.</summary>
    public long Window { get; }

    /// <summary>Bytes delivered and not yet consumed.</summary>
    public long Outstanding
    {
        get
        {
            lock (_lock) return _outstanding;
        }
    }

    /// <summary>Room left in the window; may be negative for the connection budget, which several readers share without reserving.</summary>
    public long Available
    {
        get
        {
            lock (_lock) return Window - _outstanding;
        }
    }

    /// <summary>Whether the budget was closed (its stream or connection ended).</summary>
    public bool IsClosed
    {
        get
        {
            lock (_lock) return _closed;
        }
    }

    /// <summary>Completes when there is room (or the budget is closed); at once when there is room already.</summary>
    public Task WaitForSpaceAsync()
    {
        lock (_lock)
        {
            if (_closed || _outstanding < Window) return Task.CompletedTask;
            _space ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _space.Task;
        }
    }

    /// <summary>Counts <paramref name="bytes"/> just handed to the application.</summary>
    public void Deliver(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_lock) _outstanding += bytes;
    }

    /// <summary>Counts <paramref name="bytes"/> the application consumed; false (and nothing changes) when that is more than is outstanding.</summary>
    public bool TryRelease(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        TaskCompletionSource? wake = null;
        lock (_lock)
        {
            if (bytes > _outstanding) return false;
            _outstanding -= bytes;
            if (_outstanding < Window)
            {
                wake = _space;
                _space = null;
            }
        }
        wake?.TrySetResult();
        return true;
    }

    /// <summary>Releases everything outstanding (the stream was released with bytes never consumed) and returns how much that was.</summary>
    public long ReleaseAll()
    {
        long released;
        TaskCompletionSource? wake;
        lock (_lock)
        {
            released = _outstanding;
            _outstanding = 0;
            wake = _space;
            _space = null;
        }
        wake?.TrySetResult();
        return released;
    }

    /// <summary>Wakes any waiter for good: nothing more will be read.</summary>
    public void Close()
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            _closed = true;
            wake = _space;
            _space = null;
        }
        wake?.TrySetResult();
    }
}
