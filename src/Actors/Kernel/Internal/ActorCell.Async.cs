using System.Runtime.ExceptionServices;

namespace QuicActors.Kernel.Internal;

internal sealed partial class ActorCell
{
    /// <summary>
    /// Runs an async handler with the actor's synchronization context; if it does not complete at once the
    /// mailbox stays suspended (system messages, including the handler's continuations, still run) until it does.
    /// </summary>
    internal void RunAsyncHandler<T>(Func<T, Task> handler, T message)
    {
        var extras = Extras;
        var context = extras.SyncContext ??= new ActorSynchronizationContext(this);
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        Task task;
        try { task = handler(message); }
        finally { SynchronizationContext.SetSynchronizationContext(previous); }

        if (task is null) throw new InvalidOperationException($"An async handler of {Path} returned a null task.");
        if (task.IsCompleted)
        {
            task.GetAwaiter().GetResult();
            return;
        }
        _flags |= FlagAwaitingAsync;
        extras.AsyncMessage = _currentMessage;
        extras.AsyncSender = _currentSender;
        task.ContinueWith(
            static (t, s) => ((ActorCell)s!).SendSystemMessage(new AsyncHandlerCompleted(t)),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void RunAsyncContinuation(RunContinuation continuation)
    {
        var extras = Extras;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(extras.SyncContext);
        _currentMessage = extras.AsyncMessage;
        _currentSender = extras.AsyncSender;
        try
        {
            continuation.Callback(continuation.State);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
            _currentMessage = null;
            _currentSender = null;
        }
    }

    private void HandleAsyncCompleted(Task task)
    {
        if ((_flags & FlagAwaitingAsync) == 0) return;
        _flags &= ~FlagAwaitingAsync;
        var extras = Extras;
        _currentMessage = extras.AsyncMessage;
        _currentSender = extras.AsyncSender;
        extras.AsyncMessage = null;
        extras.AsyncSender = null;
        try
        {
            if (task.IsFaulted)
            {
                var error = task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception;
                ExceptionDispatchInfo.Capture(error).Throw();
            }
            if (task.IsCanceled) throw new TaskCanceledException(task);
            if (extras.ReceiveTimeout is not null) MarkActivity();
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
        finally
        {
            _currentMessage = null;
            _currentSender = null;
        }
    }
}
