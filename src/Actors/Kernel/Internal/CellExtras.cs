namespace QuicActors.Kernel.Internal;

/// <summary>
/// The parts of an actor cell most actors never use (children, watchers, stash, timers, receive timeout,
/// behaviour stack, async state), allocated on first use so that an idle actor stays small.
/// Everything except the children map is touched only by the cell's own thread; the children map is
/// guarded by locking this object because the system's guardian creates children from any thread.
/// </summary>
internal sealed class CellExtras
{
    // Children (guarded by lock(this)).
    public Dictionary<string, ActorCell>? Children;
    public long NameCounter;
    public bool ChildrenClosed;

    // Owned by the cell's thread.
    public HashSet<ActorCell>? StoppingChildren;
    public Dictionary<ActorCell, ChildRestartStats>? RestartStats;
    public HashSet<InternalActorRef>? Watchers;
    public Dictionary<InternalActorRef, WatchEntry>? Watching;
    public List<Receive?>? BehaviorStack;
    public List<Envelope>? Stash;
    public Queue<Envelope>? Front;
    public ActorStash? StashHandle;
    public TimerScheduler? Timers;
    public TimeSpan? ReceiveTimeout;
    public ITimer? ReceiveTimeoutTimer;
    public long LastActivity;
    public ActorSynchronizationContext? SyncContext;
    public object? AsyncMessage;
    public IActorRef? AsyncSender;
    public object? FailedMessage;
    public Exception? RecreateCause;
}

/// <summary>What a watcher remembers about one watched actor.</summary>
internal sealed class WatchEntry(object? customMessage)
{
    public object? CustomMessage { get; set; } = customMessage;

    /// <summary>The death notification arrived and its message is queued in the watcher's mailbox.</summary>
    public bool Queued { get; set; }
}
