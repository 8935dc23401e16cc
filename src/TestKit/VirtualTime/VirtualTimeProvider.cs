namespace QuicActors.TestKit;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock moves only when a test calls <see cref="Advance"/>.
/// </summary>
/// <remarks>
/// Everything that takes a <see cref="TimeProvider"/> (the actor scheduler, the in-memory engine's idle
/// timeouts and fault plan, <c>Task.Delay(TimeSpan, TimeProvider)</c>) can run on it, so a test of a 30 s
/// timeout takes no wall-clock time and the same test gives the same order of timer firings every run.
/// Timers due at the same instant fire in the order they were scheduled. Callbacks run synchronously on
/// the thread that calls <see cref="Advance"/>, outside the provider's lock, so a callback may create,
/// change or dispose timers.
/// </remarks>
public sealed class VirtualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<VirtualTimer, (long Due, long Sequence)> _queue = new();
    private long _nowTicks;
    private long _sequence;
    private int _stale;
    private readonly DateTimeOffset _epoch;

    /// <summary>Creates a clock that starts at <paramref name="start"/> (default: 2000-01-01 UTC).</summary>
    public VirtualTimeProvider(DateTimeOffset? start = null) => _epoch = start ?? new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How much virtual time has passed since the provider was created.</summary>
    public TimeSpan Elapsed
    {
        get { lock (_gate) { return TimeSpan.FromTicks(_nowTicks); } }
    }

    /// <summary>The number of timers that are scheduled and not yet due.</summary>
    public int PendingTimers
    {
        get { lock (_gate) { return _queue.Count; } }
    }

    /// <summary>The number of timers that are armed (not disposed, not changed to infinite) and not yet due.</summary>
    public int ActiveTimers
    {
        get
        {
            lock (_gate)
            {
                var count = 0;
                foreach (var (timer, key) in _queue.UnorderedItems) if (timer.Sequence == key.Sequence) count++;
                return count;
            }
        }
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _epoch + Elapsed;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() { lock (_gate) { return _nowTicks; } }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Moves the clock forward by <paramref name="by"/>, firing every timer that falls due on the way, each at
    /// its own instant (so a periodic timer fires once per period crossed).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="by"/> is negative.</exception>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        long target;
        lock (_gate) { target = _nowTicks + by.Ticks; }
        while (true)
        {
            VirtualTimer? due = null;
            lock (_gate)
            {
                while (_queue.TryPeek(out var candidate, out var key) && key.Due <= target)
                {
                    _queue.Dequeue();
                    if (candidate.Sequence != key.Sequence)
                    {
                        _stale--;
                        continue; // rescheduled or disposed since queued
                    }

                    _nowTicks = Math.Max(_nowTicks, key.Due);
                    due = candidate;
                    break;
                }
                if (due is null)
                {
                    _nowTicks = target;
                    return;
                }
                due.Rearm();
            }
            due.Fire();
        }
    }

    /// <summary>Advances the clock to the next due timer, if any, and fires it.</summary>
    /// <returns><see langword="true"/> when a timer was due.</returns>
    public bool AdvanceToNextTimer()
    {
        long delta;
        lock (_gate)
        {
            while (_queue.TryPeek(out var candidate, out var key) && candidate.Sequence != key.Sequence)
            {
                _queue.Dequeue();
                _stale--;
            }

            if (!_queue.TryPeek(out _, out var next)) return false;
            delta = next.Due - _nowTicks;
        }
        Advance(TimeSpan.FromTicks(Math.Max(0, delta)));
        return true;
    }

    /// <summary>
    /// A queued timer was rescheduled or disposed (caller holds <c>_gate</c>): its old entry stays queued until its
    /// instant. When the clock is not advanced for a while (a long test on virtual time that restarts or disposes timers
    /// all along) those entries would keep their callbacks, and everything the callbacks reach, alive; so once they
    /// outnumber the live ones the queue is rebuilt without them.
    /// </summary>
    private void OnEntryStale()
    {
        if (++_stale <= 64 || _stale <= _queue.Count / 2)
        {
            return;
        }

        var live = new List<(VirtualTimer Timer, (long Due, long Sequence) Key)>(_queue.Count - _stale);
        foreach (var (timer, key) in _queue.UnorderedItems)
        {
            if (timer.Sequence == key.Sequence) live.Add((timer, key));
        }

        _queue.Clear();
        _queue.EnqueueRange(live);
        _stale = 0;
    }

    private void Schedule(VirtualTimer timer, long dueTicksFromNow)
    {
        // Caller holds _gate.
        var sequence = ++_sequence;
        timer.Sequence = sequence;
        _queue.Enqueue(timer, (_nowTicks + dueTicksFromNow, sequence));
    }

    private sealed class VirtualTimer(VirtualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private long _periodTicks = -1;
        private bool _disposed;

        public long Sequence { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                if (_disposed) return false;
                if (Sequence != 0) owner.OnEntryStale();
                Sequence = 0;
                _periodTicks = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? -1 : period.Ticks;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
                    owner.Schedule(this, dueTime.Ticks);
                }
                return true;
            }
        }

        // Caller holds owner._gate: a periodic timer is queued for its next instant before its callback runs.
        public void Rearm()
        {
            Sequence = 0;
            if (_periodTicks > 0 && !_disposed) owner.Schedule(this, _periodTicks);
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate)
            {
                _disposed = true;
                if (Sequence != 0) owner.OnEntryStale();
                Sequence = 0;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
