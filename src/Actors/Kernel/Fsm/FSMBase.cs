namespace QuicActors.Kernel;

/// <summary>
/// The non-generic part of <see cref="FSM{TState, TData}"/>: the messages and records its state functions
/// see, nested as in Akka so that FSM subclasses can name them without qualification.
/// </summary>
public abstract class FSMBase : ActorBase
{
    /// <summary>Delivered as the event when a state's timeout elapses with no other message in between.</summary>
    public sealed class StateTimeout
    {
        private StateTimeout() { }

        /// <summary>The single instance.</summary>
        public static StateTimeout Instance { get; } = new();

        /// <inheritdoc />
        public override string ToString() => "<StateTimeout>";
    }

    /// <summary>What a state function receives: the message and the current state data.</summary>
    public sealed record Event<TData>(object FsmEvent, TData StateData);

    /// <summary>What <c>OnTermination</c> handlers receive.</summary>
    public sealed record StopEvent<TState, TData>(Reason Reason, TState TerminatedState, TData StateData);

    /// <summary>Why an FSM stopped.</summary>
    public abstract class Reason
    {
        private protected Reason() { }
    }

    /// <summary>The FSM stopped itself with <c>Stop()</c>.</summary>
    public sealed class Normal : Reason
    {
        private Normal() { }

        /// <summary>The single instance.</summary>
        public static Normal Instance { get; } = new();
    }

    /// <summary>The actor was stopped from outside (or its system terminated).</summary>
    public sealed class Shutdown : Reason
    {
        private Shutdown() { }

        /// <summary>The single instance.</summary>
        public static Shutdown Instance { get; } = new();
    }

    /// <summary>The FSM stopped itself with a failure cause.</summary>
    public sealed class Failure(object cause) : Reason
    {
        /// <summary>The cause given to <c>Stop(new Failure(...))</c>.</summary>
        public object Cause { get; } = cause;

        /// <inheritdoc />
        public override string ToString() => $"Failure({Cause})";
    }

    /// <summary>
    /// The result of a state function: the next state, its data, an optional timeout overriding the
    /// state's own, replies for the sender, and whether the FSM stops.
    /// </summary>
    public sealed record State<TState, TData>(TState StateName, TData StateData)
    {
        /// <summary>A timeout for this stay in the state, overriding the one given to <c>When</c>.</summary>
        public TimeSpan? Timeout { get; init; }

        /// <summary>Set when the FSM stops after this state.</summary>
        public Reason? StopReason { get; init; }

        /// <summary>Messages sent to the sender of the current message, in order.</summary>
        public IReadOnlyList<object> Replies { get; init; } = [];

        /// <summary><see langword="true"/> for <c>GoTo</c> (transition handlers run, even to the same state), <see langword="false"/> for <c>Stay</c>.</summary>
        public bool Notifies { get; init; } = true;

        /// <summary>The same state with other data.</summary>
        public State<TState, TData> Using(TData nextStateData) => this with { StateData = nextStateData };

        /// <summary>The same state with a timeout for this stay.</summary>
        public State<TState, TData> ForMax(TimeSpan timeout) => this with { Timeout = timeout };

        /// <summary>The same state, also replying <paramref name="reply"/> to the sender.</summary>
        public State<TState, TData> Replying(object reply)
        {
            ArgumentNullException.ThrowIfNull(reply);
            return this with { Replies = [.. Replies, reply] };
        }
    }
}
