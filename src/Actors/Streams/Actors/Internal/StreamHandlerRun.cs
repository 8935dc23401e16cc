namespace QuicActors.Streams.Internal;

/// <summary>
/// Runs a function-style stream handler on the thread pool, off the connection actor's thread, and releases the stream
/// to the linger policy when the handler's task ends; a handler that throws or faults aborts the stream in both directions
/// with the failure code first. One small object and one continuation per stream while the handler waits, instead of an
/// async state machine around <c>Task.Run</c>: an idle server stream must fit in 2 KB, its handler's own state included.
/// </summary>
internal sealed class StreamHandlerRun : IThreadPoolWorkItem
{
    private readonly Runner _runner;
    private readonly StreamHandle _handle;
    private Task? _task;

    private StreamHandlerRun(Runner runner, StreamHandle handle)
    {
        _runner = runner;
        _handle = handle;
    }

    /// <summary>Queues the handler of <paramref name="runner"/> for <paramref name="handle"/>.</summary>
    public static void Start(Runner runner, StreamHandle handle) =>
        // Unsafe (no ExecutionContext flow): the connection actor's turn has no ambient context worth handing on.
        ThreadPool.UnsafeQueueUserWorkItem(new StreamHandlerRun(runner, handle), preferLocal: false);

    /// <inheritdoc/>
    public void Execute()
    {
        Task? task;
        try
        {
            task = _runner.Handler(_handle, _handle.PeerAborted);
        }
        catch (Exception ex)
        {
            Finish(ex);
            return;
        }

        if (task is null)
        {
            Finish(new InvalidOperationException($"The stream handler of {_handle.Stamp} returned no task."));
        }
        else if (task.IsCompleted)
        {
            Finish(task);
        }
        else
        {
            _task = task;
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnHandlerCompleted);
        }
    }

    private void OnHandlerCompleted() => Finish(_task!);

    private void Finish(Task task)
    {
        if (task.IsCompletedSuccessfully)
        {
            Finish(failure: null);
        }
        else
        {
            Finish(task.Exception?.InnerException ?? new TaskCanceledException(task));
        }
    }

    private void Finish(Exception? failure)
    {
        if (failure is not null)
        {
            _runner.Log.Warning(failure, "Stream handler of {Stream} failed; aborting the stream with code {Code}", _handle.Stamp, _runner.FailureCode);
            try
            {
                _handle.Abort(StreamAbortDirection.Both, _runner.FailureCode);
            }
            catch (StaleHandleException)
            {
                // The generation ended: the stream was discarded with it.
            }
        }

        _handle.Release();
    }

    /// <summary>
    /// What every run of one connection shares (the handler, the failure code, the log): one object per connection, so a
    /// waiting run holds two references, not five.
    /// </summary>
    internal sealed record Runner(Func<StreamHandle, CancellationToken, Task> Handler, long FailureCode, Serilog.ILogger Log);
}
