using QuicActors.Kernel.Internal.Dispatch;

namespace QuicActors.Kernel.Internal;

/// <summary>
/// One actor incarnation: at once its ref, its context and its mailbox (a thread-pool work item), so an
/// idle actor is this object, its name, its actor instance and its parent's map entry. Rarely used state
/// lives in <see cref="CellExtras"/>, allocated on demand.
/// </summary>
/// <remarks>
/// Threading: <see cref="Tell"/> and <see cref="SendSystemMessage"/> are called from any thread. Everything
/// else runs inside <see cref="Execute"/>, which the <see cref="_status"/> scheduled bit keeps on one thread
/// at a time.
/// </remarks>
internal sealed partial class ActorCell : InternalActorRef, IActorContext
{
    [ThreadStatic] private static ActorCell? t_current;
    [ThreadStatic] private static ActorCell? t_constructing;

    private readonly ActorSystem _system;
    private readonly ActorCell? _parent;
    private readonly string _name;
    private readonly Props _props;
    private readonly long _uid;
    private ActorBase? _actor;
    private object? _currentMessage;
    private IActorRef? _currentSender;
    private Receive? _behavior;
    private CellExtras? _extras;
    private int _flags;
    private int _suspendCount;

    public ActorCell(ActorSystem system, ActorCell? parent, string name, Props props, long uid)
    {
        _system = system;
        _parent = parent;
        _name = name;
        _props = props;
        _uid = uid;
        _throughput = props.Throughput ?? system.Settings.Throughput;
        _dispatcher = MailboxDispatcher.For(props.Dispatcher ?? system.Settings.Dispatcher);
        if (parent is null) StartIdleMailboxSweeps();
    }

    /// <summary>The cell whose messages the current thread is processing, if any.</summary>
    public static ActorCell? Current => t_current;

    /// <summary>Hands the cell being constructed to <see cref="ActorBase"/>'s constructor, once.</summary>
    public static ActorCell? TakeConstructingCell()
    {
        var cell = t_constructing;
        t_constructing = null;
        return cell;
    }

    public long Uid => _uid;

    public string Name => _name;

    public override ActorPath Path => (_parent is null ? _system.RootPath : _parent.PathWithoutUid).Child(_name, _uid);

    private ActorPath PathWithoutUid => (_parent is null ? _system.RootPath : _parent.PathWithoutUid).Child(_name);

    public override ActorSystem? SystemOrNull => _system;

    public ActorSystem System => _system;

    public IActorRef Self => this;

    public IActorRef Sender => _currentSender ?? _system.DeadLetters;

    public IActorRef? CurrentSenderOrNull => _currentSender;

    public IActorRef Parent => (IActorRef?)_parent ?? NobodyRef.Instance;

    public TimeSpan? ReceiveTimeout => _extras?.ReceiveTimeout;

    internal ActorBase? Actor => _actor;

    private CellExtras Extras
    {
        get
        {
            var extras = _extras;
            if (extras is not null) return extras;
            // The guardian's extras may be created by ActorOf on any thread.
            Interlocked.CompareExchange(ref _extras, new CellExtras(), null);
            return _extras;
        }
    }

    // The behaviour stack starts as [null] (null = the actor's own Receive) and never gets empty, as in Akka:
    // Become replaces the top, BecomeStacked pushes, UnbecomeStacked pops unless only the bottom is left.
    private List<Receive?> BehaviorStack => Extras.BehaviorStack ??= [null];

    public void Become(Receive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        var stack = BehaviorStack;
        stack[^1] = receive;
        _behavior = receive;
    }

    public void BecomeStacked(Receive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        BehaviorStack.Add(receive);
        _behavior = receive;
    }

    public void UnbecomeStacked()
    {
        var stack = BehaviorStack;
        if (stack.Count > 1) stack.RemoveAt(stack.Count - 1);
        _behavior = stack[^1];
    }

    private void ResetBehavior()
    {
        _behavior = null;
        if (_extras is not null) _extras.BehaviorStack = null;
    }

    private ActorBase NewActor()
    {
        t_constructing = this;
        ActorBase actor;
        try { actor = _props.Factory(); }
        finally { t_constructing = null; }
        if (actor is null || !ReferenceEquals(actor.Cell, this))
            throw new ActorInitializationException(
                $"The Props factory of {Path} (actor type {_props.ActorType.FullName}) must return a new instance on every call.");
        if (actor is IWithUnboundedStash withStash) withStash.Stash = Extras.StashHandle ??= new ActorStash(this);
        if (actor is IWithTimers withTimers) withTimers.Timers = Extras.Timers ??= new TimerScheduler(this);
        return actor;
    }

    public override string ToString() => $"[{Path.ToStringWithUid()}]";
}
