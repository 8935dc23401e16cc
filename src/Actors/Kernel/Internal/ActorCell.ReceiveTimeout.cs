namespace QuicActors.Kernel.Internal;

internal sealed partial class ActorCell
{
    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        if (timeout is not { } t || t <= TimeSpan.Zero || t == Timeout.InfiniteTimeSpan)
        {
            if (_extras is null) return;
            _extras.ReceiveTimeout = null;
            StopReceiveTimeout();
            return;
        }
        var extras = Extras;
        var time = _system.Settings.TimeProvider;
        extras.ReceiveTimeout = t;
        extras.LastActivity = time.GetTimestamp();
        extras.ReceiveTimeoutTimer ??= time.CreateTimer(
            static s => ((ActorCell)s!).Tell(ReceiveTimeoutTick.Instance, null), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        extras.ReceiveTimeoutTimer.Change(t, Timeout.InfiniteTimeSpan);
    }

    private void MarkActivity() => _extras!.LastActivity = _system.Settings.TimeProvider.GetTimestamp();

    private void StopReceiveTimeout()
    {
        var extras = _extras;
        if (extras?.ReceiveTimeoutTimer is { } timer)
        {
            timer.Dispose();
            extras.ReceiveTimeoutTimer = null;
        }
    }

    /// <summary>
    /// The timer fired; the actor may have processed messages since it was armed, so compare the idle time
    /// with the timeout and either deliver <see cref="Kernel.ReceiveTimeout"/> or re-arm for the rest.
    /// </summary>
    private void CheckReceiveTimeout()
    {
        var extras = _extras;
        if (extras?.ReceiveTimeout is not { } timeout || extras.ReceiveTimeoutTimer is not { } timer) return;
        var time = _system.Settings.TimeProvider;
        var now = time.GetTimestamp();
        var idle = time.GetElapsedTime(extras.LastActivity, now);
        if (idle < timeout)
        {
            timer.Change(timeout - idle, Timeout.InfiniteTimeSpan);
            return;
        }
        extras.LastActivity = now;
        timer.Change(timeout, Timeout.InfiniteTimeSpan);
        _currentMessage = Kernel.ReceiveTimeout.Instance;
        _actor!.AroundReceive(_behavior, Kernel.ReceiveTimeout.Instance);
    }
}
