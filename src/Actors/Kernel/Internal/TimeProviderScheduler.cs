namespace QuicActors.Kernel.Internal;

/// <summary>An <see cref="IScheduler"/> over <see cref="TimeProvider.CreateTimer"/>.</summary>
internal sealed class TimeProviderScheduler(TimeProvider timeProvider) : IScheduler
{
    public TimeProvider TimeProvider { get; } = timeProvider;

    public ICancelable ScheduleTellOnceCancelable(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return Start(new ScheduledTell(receiver, message, sender, once: true), delay, Timeout.InfiniteTimeSpan);
    }

    public ICancelable ScheduleTellRepeatedlyCancelable(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(initialDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        return Start(new ScheduledTell(receiver, message, sender, once: false), initialDelay, interval);
    }

    public ICancelable ScheduleOnceCancelable(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return Start(new ScheduledAction(action), delay, Timeout.InfiniteTimeSpan);
    }

    private ScheduledWork Start(ScheduledWork work, TimeSpan due, TimeSpan period)
    {
        var timer = TimeProvider.CreateTimer(static s => ((ScheduledWork)s!).Fire(), work, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        work.Attach(timer);
        timer.Change(due, period);
        return work;
    }

    private abstract class ScheduledWork : ICancelable
    {
        private ITimer? _timer;
        private volatile bool _cancelled;

        public bool IsCancellationRequested => _cancelled;

        public void Attach(ITimer timer) => _timer = timer;

        public void Cancel()
        {
            _cancelled = true;
            _timer?.Dispose();
        }

        public void Fire()
        {
            if (_cancelled) return;
            Run();
        }

        protected void Done() => _timer?.Dispose();

        protected abstract void Run();
    }

    private sealed class ScheduledTell(IActorRef receiver, object message, IActorRef? sender, bool once) : ScheduledWork
    {
        protected override void Run()
        {
            receiver.Tell(message, sender);
            if (once) Done();
        }
    }

    private sealed class ScheduledAction(Action action) : ScheduledWork
    {
        protected override void Run()
        {
            Done();
            action();
        }
    }
}
