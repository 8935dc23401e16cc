using System.Collections.Concurrent;
using System.Diagnostics;

namespace QuicActors.Kernel.Internal.Dispatch;

/// <summary>
/// The <see cref="DispatcherKind.Workers"/> dispatcher: one <see cref="DispatcherWorker"/> per core, shared by
/// every actor system in the process.
/// </summary>
/// <remarks>
/// <para>
/// Placement: a cell scheduled from inside a turn goes to the running worker's queue (so the two partners of
/// a conversation share a core and their mailboxes' cache lines stay there); one scheduled from any other
/// thread goes to the global queue. Thieves take from a queue of <see cref="DispatcherWorker.MinCellsToSteal"/>
/// or more cells only (two may be one conversation), so a push wakes an idle worker only when it leaves that many,
/// and only when no worker is already spinning (a spinning one will find the work). Two queued cells behind long
/// turns are shared through the monitor (below).
/// </para>
/// <para>
/// No lost wake-up: a scheduler queues the cell (a full fence) and then reads the spinning and parked
/// counts; a worker leaves the spinning count or joins the parked count (full fences) and then looks at
/// every queue once more. One of the two sees the other.
/// </para>
/// <para>
/// Blocking: a monitor ticks every <see cref="MonitorPeriod"/>. A worker seen in the same turn on two ticks
/// is marked stuck: the monitor moves its queued cells to the global queue (and thieves may take even its
/// last one) and wakes an idle worker for them; when
/// every worker has been stuck for <see cref="TicksAllStuckBeforeAddingWorker"/> ticks while work waits,
/// another worker is started (up to <see cref="MaxWorkers"/>; added workers stay, parked when idle). A worker
/// with few, long turns and two cells queued (<see cref="DispatcherWorker.Observation.Shareable"/>) lets thieves
/// take one, and the monitor wakes an idle worker for it.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Lives as long as the process, like the thread pool it stands in for.")]
internal sealed class WorkerDispatcher : MailboxDispatcher
{
    /// <summary>
    /// The longest an idle worker spins looking for work before it parks, and the longest a turn stays open
    /// waiting for its next message (<see cref="DispatcherWorker.AwaitWork"/>); both adapt between this and
    /// <see cref="MinSpinTicks"/>.
    /// </summary>
    public static readonly long MaxSpinTicks = Stopwatch.Frequency / 20_000; // 50 µs

    /// <summary>The shortest such wait: a probe, so that the wait can grow again when it starts paying off.</summary>
    public static readonly long MinSpinTicks = Math.Max(1, Stopwatch.Frequency / 500_000); // 2 µs

    /// <summary>Pause between two looks at the queues while spinning (keeps the busy workers' cache lines quiet).</summary>
    public const int SpinIterationsBetweenPolls = 20;

    private const int MaxWorkers = 256;
    private const int TicksAllStuckBeforeAddingWorker = 3;
    private static readonly TimeSpan MonitorPeriod = TimeSpan.FromMilliseconds(10);
    private static readonly Lazy<WorkerDispatcher> s_shared = new(() => new WorkerDispatcher(Environment.ProcessorCount));

    private readonly ConcurrentQueue<ActorCell> _global = new();
    private readonly int _maxSpinning;
    private readonly Lock _growLock = new();
    private volatile DispatcherWorker[] _workers;
    private int _spinning;
    private int _parked;
    private int _ticksAllStuck;
    private int _monitorSleeping;
    private readonly SemaphoreSlim _monitorWakeUp = new(0);

    private WorkerDispatcher(int workers)
    {
        _maxSpinning = Math.Max(1, workers / 2);
        var all = new DispatcherWorker[Math.Max(1, workers)];
        for (var i = 0; i < all.Length; i++) all[i] = new DispatcherWorker(this, i);
        _workers = all;
        foreach (var worker in all) worker.Start();
        // A thread of its own rather than a timer: timers run on the thread pool, which blocked user code may starve.
        new Thread(RunMonitor) { IsBackground = true, Name = "quicactors-worker-monitor" }.UnsafeStart();
    }

    public static WorkerDispatcher Shared => s_shared.Value;

    public override void Schedule(ActorCell cell)
    {
        var worker = DispatcherWorker.Current;
        if (worker is not null)
        {
            if (worker.Queue.TryPush(cell, out var queuedBefore))
            {
                // Nothing a thief may take yet (see DispatcherWorker.MinCellsToSteal): the worker runs them itself, and
                // waking an idle worker for them would cost a wake-up per turn only to let it park again.
                if (queuedBefore + 1 < DispatcherWorker.MinCellsToSteal) return;
                // The push was a plain store: fence it before reading the idle counts.
                Interlocked.MemoryBarrier();
                WakeIfIdle();
                return;
            }
        }
        _global.Enqueue(cell); // A full fence (interlocked) before the counts are read.
        WakeIfIdle();
    }

    public override bool AwaitWork(ActorCell cell)
        => DispatcherWorker.Current is { } worker && worker.AwaitWork(cell);

    public override bool TryContinueTurn() => DispatcherWorker.Current is { } worker && worker.TryContinueTurn();

    public override bool IsIdleOtherwise => DispatcherWorker.Current is { } worker && !worker.HasOtherWork;

    public bool HasGlobalWork => !_global.IsEmpty;

    /// <summary>
    /// Some worker spins or is parked. Work queued on the global queue then goes to it (the enqueue woke it, or a
    /// spinner finds it), so busy workers need not take it and split the conversations they run.
    /// </summary>
    public bool HasIdleWorker => Volatile.Read(ref _spinning) != 0 || Volatile.Read(ref _parked) != 0;

    public ActorCell? TryTakeGlobal() => !_global.IsEmpty && _global.TryDequeue(out var cell) ? cell : null;

    /// <summary>Looks at the other workers' queues, starting after <paramref name="thief"/>.</summary>
    public ActorCell? TrySteal(DispatcherWorker thief)
    {
        var workers = _workers;
        for (int i = 1, n = workers.Length; i < n; i++)
        {
            var victim = workers[(thief.Index + i) % n];
            if (victim.TrySteal() is { } cell) return cell;
        }
        return null;
    }

    public bool TryStartSpinning()
    {
        var spinning = Volatile.Read(ref _spinning);
        while (spinning < _maxSpinning)
        {
            var previous = Interlocked.CompareExchange(ref _spinning, spinning + 1, spinning);
            if (previous == spinning) return true;
            spinning = previous;
        }
        return false;
    }

    /// <summary>
    /// A spinning worker stops. When it found work and was the last spinner, work that schedulers left to it
    /// may remain (they woke nobody), so it wakes an idle worker if any queue still holds some.
    /// </summary>
    public void StopSpinning(bool foundWork)
    {
        if (Interlocked.Decrement(ref _spinning) == 0 && foundWork && HasQueuedWork()) WakeIfIdle();
    }

    public void OnParking() => Interlocked.Increment(ref _parked);

    public void OnUnparked()
    {
        Interlocked.Decrement(ref _parked);
        WakeMonitor();
    }

    private void WakeIfIdle()
    {
        if (Volatile.Read(ref _spinning) != 0 || Volatile.Read(ref _parked) == 0) return;
        foreach (var worker in _workers)
        {
            if (worker.TryUnpark()) return;
        }
    }

    private bool HasQueuedWork()
    {
        if (!_global.IsEmpty) return true;
        foreach (var worker in _workers)
        {
            if (worker.Queue.Count > 0) return true;
        }
        return false;
    }

    /// <summary>
    /// Ticks while some worker is awake; when all are parked there is nothing to watch, and the monitor
    /// sleeps until a worker is woken (so an idle process stays idle).
    /// </summary>
    private void RunMonitor()
    {
        while (true)
        {
            Thread.Sleep(MonitorPeriod);
            if (Volatile.Read(ref _parked) == _workers.Length)
            {
                Interlocked.Exchange(ref _monitorSleeping, 1);
                // Look again after announcing the sleep: a worker woken after this look sees the flag.
                if (Volatile.Read(ref _parked) == _workers.Length || Interlocked.Exchange(ref _monitorSleeping, 0) == 0)
                {
                    _monitorWakeUp.Wait();
                }
            }
            CheckWorkers();
        }
    }

    /// <summary>A parked worker was woken: the monitor, if it sleeps, ticks again.</summary>
    private void WakeMonitor()
    {
        if (Volatile.Read(ref _monitorSleeping) == 1 && Interlocked.Exchange(ref _monitorSleeping, 0) == 1) _monitorWakeUp.Release();
    }

    private void CheckWorkers()
    {
        var workers = _workers;
        var stuck = 0;
        var shareable = false;
        foreach (var worker in workers)
        {
            var state = worker.Observe();
            if (state == DispatcherWorker.Observation.Shareable) shareable = true;
            if (state != DispatcherWorker.Observation.Stuck) continue;
            stuck++;
            // What a stuck worker holds goes to the global queue, which every other worker looks at, even one
            // kept busy by its own queue (every 61st turn), and an idle one is woken for it.
            while (worker.Queue.TryTake() is { } cell) _global.Enqueue(cell);
        }
        if (stuck == 0 || _global.IsEmpty)
        {
            _ticksAllStuck = 0;
            // A worker with long turns and another cell waiting: an idle worker may take that cell now.
            if (shareable && Volatile.Read(ref _parked) > 0) UnparkOne(workers);
            return;
        }
        if (Volatile.Read(ref _parked) > 0 && UnparkOne(workers)) return;
        // Several ticks in a row: long CPU-bound turns should not add threads as readily as blocked ones.
        _ticksAllStuck = stuck == workers.Length ? _ticksAllStuck + 1 : 0;
        if (_ticksAllStuck >= TicksAllStuckBeforeAddingWorker)
        {
            _ticksAllStuck = 0;
            AddWorker(workers);
        }
    }

    private static bool UnparkOne(DispatcherWorker[] workers)
    {
        foreach (var worker in workers)
        {
            if (worker.TryUnpark()) return true;
        }
        return false;
    }

    private void AddWorker(DispatcherWorker[] seen)
    {
        lock (_growLock)
        {
            if (_workers != seen || seen.Length >= MaxWorkers) return;
            var worker = new DispatcherWorker(this, seen.Length);
            _workers = [.. seen, worker];
            worker.Start();
        }
    }
}
