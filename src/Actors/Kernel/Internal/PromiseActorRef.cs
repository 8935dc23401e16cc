namespace QuicActors.Kernel.Internal;

/// <summary>
/// A temporary ref that completes a task with the first message it receives: the reply of an Ask, or the
/// death of a watched actor for a graceful stop. It times out on the system's clock.
/// </summary>
internal sealed class PromiseActorRef : InternalActorRef
{
    private readonly TaskCompletionSource<object?> _promise = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorSystem _system;
    private ITimer? _timer;
    private Func<Exception>? _onTimeout;

    public PromiseActorRef(ActorSystem system)
    {
        _system = system;
        Path = system.TempPath();
    }

    public override ActorPath Path { get; }

    public override ActorSystem? SystemOrNull => _system;

    public Task<object?> Task => _promise.Task;

    /// <summary>Faults the task with the exception from <paramref name="onTimeout"/> after <paramref name="timeout"/>.</summary>
    public void StartTimeout(TimeSpan timeout, Func<Exception> onTimeout)
    {
        _onTimeout = onTimeout;
        _timer = _system.Settings.TimeProvider.CreateTimer(static s => ((PromiseActorRef)s!).OnTimeout(), this, timeout, Timeout.InfiniteTimeSpan);
        if (_promise.Task.IsCompleted) _timer.Dispose();
    }

    /// <summary>Completes the task with <paramref name="value"/> after <paramref name="timeout"/>.</summary>
    public void StartTimeoutWithResult(TimeSpan timeout, object? value)
    {
        _timer = _system.Settings.TimeProvider.CreateTimer(
            static s =>
            {
                var (self, result) = ((PromiseActorRef, object?))s!;
                if (self._promise.TrySetResult(result)) self._timer?.Dispose();
            },
            (this, value), timeout, Timeout.InfiniteTimeSpan);
        if (_promise.Task.IsCompleted) _timer.Dispose();
    }

    public void Cancel()
    {
        if (_promise.TrySetCanceled()) _timer?.Dispose();
    }

    private void OnTimeout()
    {
        if (_onTimeout is { } f && _promise.TrySetException(f())) _timer?.Dispose();
    }

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        var completed = message is Status.Failure failure
            ? _promise.TrySetException(failure.Cause)
            : _promise.TrySetResult(message);
        if (completed) _timer?.Dispose();
        else _system.PublishDeadLetter(message, sender, this);
    }

    public override void SendSystemMessage(SystemMessage message)
    {
        if (message is DeathWatchNotification notification)
        {
            if (_promise.TrySetResult(new Terminated(notification.Actor, notification.ExistenceConfirmed))) _timer?.Dispose();
        }
    }
}
