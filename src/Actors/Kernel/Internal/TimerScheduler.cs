namespace QuicActors.Kernel.Internal;

/// <summary>
/// The keyed timers of one actor. Used only from the actor's own thread; timer callbacks only tell the
/// actor a <see cref="TimerMessage"/> stamped with the timer's generation, and a stale one is dropped.
/// </summary>
internal sealed class TimerScheduler(ActorCell cell) : ITimerScheduler
{
    private readonly Dictionary<object, Entry> _timers = [];
    private int _generation;

    private sealed class Entry(ActorCell cell, TimerMessage message, bool periodic)
    {
        public TimerMessage Message { get; } = message;
        public bool Periodic { get; } = periodic;
        public ITimer? Timer { get; set; }

        public void Fire() => cell.Tell(Message, null);
    }

    public IReadOnlyCollection<object> ActiveTimers => _timers.Keys.ToArray();

    public void StartSingleTimer(object key, object message, TimeSpan timeout) => Start(key, message, timeout, Timeout.InfiniteTimeSpan, periodic: false);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => StartPeriodicTimer(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Start(key, message, initialDelay, interval, periodic: true);
    }

    private void Start(object key, object message, TimeSpan due, TimeSpan period, bool periodic)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(due, TimeSpan.Zero);
        Cancel(key);
        var entry = new Entry(cell, new TimerMessage(key, ++_generation, message), periodic);
        _timers[key] = entry;
        entry.Timer = cell.System.Settings.TimeProvider.CreateTimer(static s => ((Entry)s!).Fire(), entry, due, period);
    }

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var entry)) entry.Timer?.Dispose();
    }

    public void CancelAll()
    {
        foreach (var entry in _timers.Values) entry.Timer?.Dispose();
        _timers.Clear();
    }

    /// <summary>Returns the message to deliver, or null when the timer was cancelled or replaced.</summary>
    public object? Accept(TimerMessage message)
    {
        if (!_timers.TryGetValue(message.Key, out var entry) || !ReferenceEquals(entry.Message, message)) return null;
        if (!entry.Periodic)
        {
            _timers.Remove(message.Key);
            entry.Timer?.Dispose();
        }
        return message.Message;
    }
}
