using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace QuicActors.Kernel.Internal.Dispatch;

/// <summary>
/// One thread of a <see cref="WorkerDispatcher"/>: runs turns from its own <see cref="LocalRunQueue"/>, from
/// the dispatcher's global queue and, when it has nothing to do, stolen from other workers; spins briefly
/// and then parks when there is no work anywhere.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Lives as long as the process, like the thread pool it stands in for.")]
internal sealed class DispatcherWorker
{
    /// <summary>
    /// A thief takes from a worker's queue only when it holds at least this many cells (unless the worker is stuck or
    /// shareable). One conversation occupies up to two: the partner that the running turn woke, and the running actor,
    /// requeued at the end of its turn with messages left. Taking either would split the pair across cores, where every
    /// message then moves a cache line; the third cell belongs to another conversation.
    /// </summary>
    public const int MinCellsToSteal = 3;

    /// <summary>Every 61st turn looks at the global queue first, so a busy local queue cannot starve it.</summary>
    private const int GlobalQueueInterval = 61;

    /// <summary>
    /// Fewer turns than this between two monitor ticks (10 ms) while two cells wait: the turns are long (over about 100 µs
    /// on average), so the cells are not a conversation trading messages every microsecond, and an idle worker may take one.
    /// </summary>
    private const long MaxTurnsPerTickToShare = 100;

    /// <summary>
    /// Ticks in a row with long turns before the worker is shareable: on a machine with more runnable threads than cores
    /// the worker's thread is often preempted for a whole tick, which looks like one long turn but is not a reason to
    /// split the conversation it runs.
    /// </summary>
    private const int TicksOfLongTurnsToShare = 2;

    [ThreadStatic] private static DispatcherWorker? t_current;

    private readonly WorkerDispatcher _dispatcher;
    private readonly SemaphoreSlim _wakeUp = new(0);
    private readonly Thread _thread;
    private long _turns;
    private int _parked;
    private int _turnsSinceGlobal;
    private long _monitorTurns;
    private volatile bool _stuck;
    private volatile bool _shareable;
    private int _ticksOfLongTurns;
    private long _awaitTicks = WorkerDispatcher.MaxSpinTicks / 4;
    private long _spinTicks = WorkerDispatcher.MaxSpinTicks / 4;

    public DispatcherWorker(WorkerDispatcher dispatcher, int index)
    {
        _dispatcher = dispatcher;
        Index = index;
        _thread = new Thread(Run)
        {
            IsBackground = true,
            Name = $"quicactors-worker-{index}",
        };
    }

    /// <summary>The worker running on the current thread, if any.</summary>
    public static DispatcherWorker? Current => t_current;

    public int Index { get; }

    public LocalRunQueue Queue { get; } = new();

    /// <summary>Turns started plus turns finished: odd while a turn runs.</summary>
    public long Turns => Volatile.Read(ref _turns);

    /// <summary>The monitor saw this worker in the same turn on two ticks in a row: thieves may take its last cell.</summary>
    public bool IsStuck => _stuck;

    /// <summary>
    /// Starts the thread without the starter's execution context: a worker lives for the whole process, and
    /// the async-locals of whoever created the first actor (a test's log capture, say) must neither stay
    /// reachable nor be seen by every turn, just as on the thread pool, where turns are queued unsafely.
    /// </summary>
    public void Start() => _thread.UnsafeStart();

    /// <summary>What the monitor saw of a worker between two ticks.</summary>
    public enum Observation
    {
        /// <summary>Nothing to act on.</summary>
        Normal,

        /// <summary>In one turn since the last tick: thieves may take its last cell, and its queue goes to the global queue.</summary>
        Stuck,

        /// <summary>Few, long turns on two ticks in a row with two or more cells on the worker (running or queued): thieves may take a queued one (see <see cref="MinCellsToSteal"/>).</summary>
        Shareable,
    }

    /// <summary>Called by the monitor only, once per tick.</summary>
    public Observation Observe()
    {
        var turns = Turns;
        var stuck = (turns & 1) != 0 && turns == _monitorTurns;
        // Each turn counts twice (start and end), so an odd count means a turn is running. The running cell counts as one
        // of the two: two busy actors on one worker spend most of their time as one running and one queued.
        var cells = Queue.Count + (int)(turns & 1);
        var longTurns = !stuck && turns - _monitorTurns < 2 * MaxTurnsPerTickToShare && cells >= 2;
        _ticksOfLongTurns = longTurns ? _ticksOfLongTurns + 1 : 0;
        var shareable = _ticksOfLongTurns >= TicksOfLongTurnsToShare;
        _monitorTurns = turns;
        _stuck = stuck;
        _shareable = shareable;
        return stuck ? Observation.Stuck : shareable ? Observation.Shareable : Observation.Normal;
    }

    /// <summary>Wakes the worker if it is parked; false if it was not.</summary>
    public bool TryUnpark()
    {
        if (Volatile.Read(ref _parked) == 0 || Interlocked.CompareExchange(ref _parked, 0, 1) != 1) return false;
        _dispatcher.OnUnparked();
        _wakeUp.Release();
        return true;
    }

    /// <summary>
    /// Takes a cell for a thief: the oldest if <see cref="MinCellsToSteal"/> or more are queued, if the worker is stuck,
    /// or if the monitor found its turns long with two cells on it (running or queued); else none.
    /// </summary>
    public ActorCell? TrySteal()
    {
        var count = Queue.Count;
        return count >= MinCellsToSteal || (count > 0 && (_stuck || _shareable)) ? Queue.TryTake() : null;
    }

    /// <summary>
    /// Keeps the turn of <paramref name="cell"/> open while this worker has nothing else queued, polling its
    /// mailbox. Adaptive: the wait doubles after it caught a message and halves after it did not, so where the
    /// sender cannot keep up (or shares the core with this worker) the wait shrinks to a probe of a couple of
    /// microseconds instead of burning the time the sender needs.
    /// </summary>
    public bool AwaitWork(ActorCell cell)
    {
        if (HasOtherWork) return false;
        var deadline = Stopwatch.GetTimestamp() + _awaitTicks;
        var polls = 0;
        do
        {
            Pause(++polls);
            if (cell.HasWorkToDo)
            {
                _awaitTicks = Grow(_awaitTicks);
                return true;
            }
            if (HasOtherWork) return false;
        }
        while (Stopwatch.GetTimestamp() < deadline);
        _awaitTicks = Shrink(_awaitTicks);
        return false;
    }

    /// <summary>Something besides the running turn waits for this worker: a cell on its queue, or global work.</summary>
    public bool HasOtherWork => Queue.Count != 0 || _dispatcher.HasGlobalWork;

    /// <summary>
    /// The running turn used up its throughput: it goes on when nothing else is queued for this worker or
    /// globally and some other worker is idle, counted as a turn that ended and another that started (the monitor
    /// reads the count, so a continued turn is neither "stuck" nor "long").
    /// </summary>
    /// <remarks>
    /// Only while a worker idles: then nobody needs this core and the requeue would buy nothing (one thread telling
    /// one actor). With every worker busy the turn ends as before: with turns continued unconditionally,
    /// <c>pingpong 2 1000</c> ran at about 32M msg/s in 6 runs of 6 against 63M (KERNEL.md).
    /// </remarks>
    public bool TryContinueTurn()
    {
        if (HasOtherWork || !_dispatcher.HasIdleWorker) return false;
        Volatile.Write(ref _turns, _turns + 2);
        return true;
    }

    private void Run()
    {
        t_current = this;
        while (true) RunNextTurn();
    }

    /// <summary>
    /// Finds and runs one turn. A method of its own so that no stack slot of the endless loop keeps the last
    /// cell (and its actor and system) reachable while the worker is parked.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RunNextTurn()
    {
        var cell = FindWork() ?? SpinThenPark();
        if (cell is null) return;
        // Only this thread writes the counter; the monitor reads it.
        Volatile.Write(ref _turns, _turns + 1);
        cell.Execute();
        Volatile.Write(ref _turns, _turns + 1);
    }

    private ActorCell? FindWork()
    {
        ActorCell? cell;
        // Skipped while another worker is idle: that one takes the global work, so it does not land next to
        // this worker's conversations (which it could not hand on without splitting one).
        if (++_turnsSinceGlobal >= GlobalQueueInterval && !_dispatcher.HasIdleWorker)
        {
            _turnsSinceGlobal = 0;
            if ((cell = _dispatcher.TryTakeGlobal()) is not null) return cell;
        }
        return Queue.TryTakeOwn() ?? _dispatcher.TryTakeGlobal() ?? _dispatcher.TrySteal(this);
    }

    /// <summary>
    /// Between two looks at the queues: a short busy pause (keeps the polled cache lines quiet for the
    /// threads that write them), and every fourth time a yield, so that a thread waiting for this core (often
    /// the very sender being waited for, on a machine with more threads than cores) gets to run.
    /// </summary>
    private static void Pause(int polls)
    {
        if ((polls & 3) == 0) Thread.Yield();
        else Thread.SpinWait(WorkerDispatcher.SpinIterationsBetweenPolls);
    }

    private static long Grow(long ticks) => Math.Min(ticks * 2, WorkerDispatcher.MaxSpinTicks);

    private static long Shrink(long ticks) => Math.Max(ticks / 2, WorkerDispatcher.MinSpinTicks);

    /// <summary>
    /// Spins for up to a few tens of microseconds (adaptive, as in <see cref="AwaitWork"/>) looking for work (at most half the workers spin at a time), then
    /// parks until a scheduler wakes it. Null when woken: the caller looks again.
    /// </summary>
    private ActorCell? SpinThenPark()
    {
        ActorCell? cell;
        if (_dispatcher.TryStartSpinning())
        {
            var deadline = Stopwatch.GetTimestamp() + _spinTicks;
            var polls = 0;
            do
            {
                Pause(++polls);
                if ((cell = FindWork()) is not null)
                {
                    _spinTicks = Grow(_spinTicks);
                    _dispatcher.StopSpinning(foundWork: true);
                    return cell;
                }
            }
            while (Stopwatch.GetTimestamp() < deadline);
            _spinTicks = Shrink(_spinTicks);
            _dispatcher.StopSpinning(foundWork: false);
        }
        // Announce the park before the last look: a scheduler that queues work after this look sees the
        // parked count (both sides use full fences) and wakes a worker.
        Volatile.Write(ref _parked, 1);
        _dispatcher.OnParking();
        if ((cell = FindWork()) is not null)
        {
            if (Interlocked.CompareExchange(ref _parked, 0, 1) == 1) _dispatcher.OnUnparked();
            else _wakeUp.Wait(); // A scheduler woke this worker meanwhile: consume its signal.
            return cell;
        }
        Queue.ReleaseTaken();
        _wakeUp.Wait();
        return null;
    }
}
