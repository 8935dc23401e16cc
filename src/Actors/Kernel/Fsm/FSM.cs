using Serilog.Events;

namespace QuicActors.Kernel;

/// <summary>
/// A finite state machine actor: declare states with <see cref="When"/>, the start with <see cref="StartWith"/>,
/// then call <see cref="Initialize"/> at the end of the constructor. State timeouts run on the system's clock
/// and a timeout is never processed after a newer message: any message cancels the pending one.
/// </summary>
public abstract class FSM<TState, TData> : FSMBase where TState : notnull
{
    private readonly Dictionary<TState, StateFunction> _stateFunctions = [];
    private readonly Dictionary<TState, TimeSpan?> _stateTimeouts = [];
    private readonly List<TransitionHandler> _transitionHandlers = [];
    private StateFunction? _whenUnhandled;
    private Action<StopEvent<TState, TData>>? _onTermination;
    private State<TState, TData>? _currentState;
    private State<TState, TData>? _nextState;
    private TimeoutMarker? _pendingTimeout;
    private ITimer? _timeoutTimer;
    private bool _terminated;

    /// <summary>Handles an event in a state; returns the next state, or <see langword="null"/> when unhandled.</summary>
    public delegate State<TState, TData>? StateFunction(Event<TData> fsmEvent);

    /// <summary>Runs on every transition (every <c>GoTo</c>, also to the same state).</summary>
    public delegate void TransitionHandler(TState initialState, TState nextState);

    private sealed class TimeoutMarker(IActorRef self)
    {
        public void Fire() => self.Tell(this, null);
    }

    /// <summary>The current state's name.</summary>
    /// <exception cref="InvalidOperationException">Before <see cref="StartWith"/>.</exception>
    public TState StateName => Current.StateName;

    /// <summary>The current state's data.</summary>
    public TData StateData => Current.StateData;

    /// <summary>The data of the state being entered (only inside transition handlers).</summary>
    /// <exception cref="InvalidOperationException">Outside a transition handler.</exception>
    public TData NextStateData => _nextState is { } next
        ? next.StateData
        : throw new InvalidOperationException("NextStateData is only available inside an OnTransition handler.");

    private State<TState, TData> Current => _currentState
        ?? throw new InvalidOperationException($"{GetType().Name}: call StartWith(...) in the constructor before using the state.");

    /// <summary>Sets the initial state and data (and optionally its timeout).</summary>
    protected void StartWith(TState stateName, TData stateData, TimeSpan? timeout = null)
        => _currentState = new State<TState, TData>(stateName, stateData) { Timeout = timeout };

    /// <summary>
    /// Declares how <paramref name="stateName"/> handles events; <paramref name="stateTimeout"/> sends
    /// <see cref="FSMBase.StateTimeout"/> after that long in the state without a message. Declaring the same
    /// state again adds a fallback function tried after the earlier ones.
    /// </summary>
    protected void When(TState stateName, StateFunction func, TimeSpan? stateTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(func);
        if (_stateFunctions.TryGetValue(stateName, out var existing))
        {
            _stateFunctions[stateName] = e => existing(e) ?? func(e);
            if (stateTimeout is not null) _stateTimeouts[stateName] = stateTimeout;
        }
        else
        {
            _stateFunctions[stateName] = func;
            _stateTimeouts[stateName] = stateTimeout;
        }
    }

    /// <summary>Handles events no state function handled (default: log a warning and stay).</summary>
    protected void WhenUnhandled(StateFunction func) => _whenUnhandled = func ?? throw new ArgumentNullException(nameof(func));

    /// <summary>Adds a handler run on every transition.</summary>
    protected void OnTransition(TransitionHandler handler) => _transitionHandlers.Add(handler ?? throw new ArgumentNullException(nameof(handler)));

    /// <summary>Sets the handler run when the FSM stops (by <c>Stop()</c> or from outside).</summary>
    protected void OnTermination(Action<StopEvent<TState, TData>> handler) => _onTermination = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <summary>Enters the start state (arming its timeout); call at the end of the constructor.</summary>
    /// <exception cref="InvalidOperationException">No <see cref="StartWith"/> or no <see cref="When"/> for the start state.</exception>
    protected void Initialize()
    {
        var start = Current;
        if (!_stateFunctions.ContainsKey(start.StateName))
            throw new InvalidOperationException($"{GetType().Name}: the start state {start.StateName} has no When(...) declaration.");
        EnterState(start with { Notifies = false });
    }

    /// <summary>Moves to <paramref name="nextStateName"/> (transition handlers run, even for the current state).</summary>
    protected State<TState, TData> GoTo(TState nextStateName) => new(nextStateName, Current.StateData);

    /// <summary>Stays in the current state (no transition handlers).</summary>
    protected State<TState, TData> Stay() => new(Current.StateName, Current.StateData) { Notifies = false };

    /// <summary>Stops the FSM normally.</summary>
    protected State<TState, TData> Stop() => Stop(Normal.Instance);

    /// <summary>Stops the FSM with <paramref name="reason"/>.</summary>
    protected State<TState, TData> Stop(Reason reason) => Stay() with { StopReason = reason ?? throw new ArgumentNullException(nameof(reason)) };

    /// <summary>Stops the FSM with <paramref name="reason"/> and final data.</summary>
    protected State<TState, TData> Stop(Reason reason, TData stateData) => Stop(reason).Using(stateData);

    /// <inheritdoc />
    protected sealed override bool Receive(object message)
    {
        if (message is TimeoutMarker marker)
        {
            // Only the timeout armed by the latest transition counts; any message since then cancelled it.
            if (!ReferenceEquals(marker, _pendingTimeout)) return true;
            _pendingTimeout = null;
            ProcessEvent(StateTimeout.Instance);
            return true;
        }
        CancelStateTimeout();
        ProcessEvent(message);
        return true;
    }

    private void ProcessEvent(object message)
    {
        var current = Current;
        var fsmEvent = new Event<TData>(message, current.StateData);
        var next = _stateFunctions[current.StateName](fsmEvent)
            ?? _whenUnhandled?.Invoke(fsmEvent)
            ?? HandleEventDefault(fsmEvent);
        ApplyState(next);
    }

    private State<TState, TData> HandleEventDefault(Event<TData> fsmEvent)
    {
        Context.System.Log.Write(LogEventLevel.Warning, "FSM {ActorPath:l} in state {State} did not handle {MessageType:l}",
            Self.Path.ToString(), StateName, fsmEvent.FsmEvent.GetType().FullName);
        return Stay();
    }

    private void ApplyState(State<TState, TData> next)
    {
        if (next.StopReason is null && !_stateFunctions.ContainsKey(next.StateName))
            next = Stay() with { StopReason = new Failure($"Next state {next.StateName} does not exist") };
        foreach (var reply in next.Replies) Sender.Tell(reply, Self);
        if (next.StopReason is { } reason)
        {
            _currentState = next;
            Terminate(reason);
            Context.Stop(Self);
            return;
        }
        EnterState(next);
    }

    private void EnterState(State<TState, TData> next)
    {
        if (next.Notifies)
        {
            _nextState = next;
            try
            {
                foreach (var handler in _transitionHandlers) handler(Current.StateName, next.StateName);
            }
            finally
            {
                _nextState = null;
            }
        }
        _currentState = next with { Replies = [], Timeout = null, Notifies = true };
        var timeout = next.Timeout ?? _stateTimeouts.GetValueOrDefault(next.StateName);
        if (timeout is { } t && t > TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
        {
            var marker = new TimeoutMarker(Self);
            _pendingTimeout = marker;
            _timeoutTimer = Context.System.Settings.TimeProvider.CreateTimer(
                static s => ((TimeoutMarker)s!).Fire(), marker, t, Timeout.InfiniteTimeSpan);
        }
    }

    private void CancelStateTimeout()
    {
        _pendingTimeout = null;
        _timeoutTimer?.Dispose();
        _timeoutTimer = null;
    }

    private void Terminate(Reason reason)
    {
        if (_terminated) return;
        _terminated = true;
        CancelStateTimeout();
        _onTermination?.Invoke(new StopEvent<TState, TData>(reason, Current.StateName, Current.StateData));
    }

    /// <summary>Runs the termination handler with <see cref="FSMBase.Shutdown"/> if the FSM was stopped from outside.</summary>
    protected override void PostStop()
    {
        if (_currentState is not null) Terminate(Shutdown.Instance);
        base.PostStop();
    }
}
