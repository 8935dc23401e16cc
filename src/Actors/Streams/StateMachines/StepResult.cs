using System.Diagnostics;

namespace QuicActors.Streams;

/// <summary>
/// The outcome of feeding one event to a stream half: how it was handled, the state afterwards, the transitions
/// it caused (each to be published exactly once), the frame to send and, for failures, why.
/// </summary>
/// <typeparam name="TState"><see cref="SendState"/> or <see cref="ReceiveState"/>.</typeparam>
/// <param name="Kind">How the event was handled.</param>
/// <param name="State">The state after the event (unchanged unless <paramref name="Kind"/> is <see cref="StepKind.Transitioned"/>).</param>
/// <param name="Transitions">The transitions caused, in order; empty unless <paramref name="Kind"/> is <see cref="StepKind.Transitioned"/>.</param>
/// <param name="Action">The frame the host must send, if any.</param>
/// <param name="Error">Why the event failed; <see cref="StreamError.None"/> unless <see cref="IsFailure"/>.</param>
public readonly record struct StepResult<TState>(
    StepKind Kind,
    TState State,
    TransitionList<TState> Transitions,
    StreamAction Action,
    StreamError Error)
    where TState : struct, Enum
{
    /// <summary>Whether the half changed state.</summary>
    public bool Changed => Transitions.Count > 0;

    /// <summary>
    /// Whether the event was refused: an invalid local operation, a peer protocol violation or an inconsistent
    /// event. A refused event changes nothing.
    /// </summary>
    public bool IsFailure => Kind >= StepKind.InvalidLocalOperation;

    internal static StepResult<TState> Stay(TState state, StreamAction action = default) =>
        new(StepKind.Stayed, state, default, action, StreamError.None);

    internal static StepResult<TState> Ignore(TState state) =>
        new(StepKind.Ignored, state, default, default, StreamError.None);

    internal static StepResult<TState> Fail(StepKind kind, TState state, StreamError error)
    {
        Debug.Assert(kind >= StepKind.InvalidLocalOperation, "Fail needs a failure kind.");
        return new(kind, state, default, default, error);
    }

    internal static StepResult<TState> Move(
        TState from, TState to, TransitionCause cause, ulong? errorCode = null, StreamAction action = default)
    {
        Debug.Assert(!EqualityComparer<TState>.Default.Equals(from, to), "A transition changes the state.");
        return new(StepKind.Transitioned, to, new TransitionList<TState>(new Transition<TState>(from, to, cause, errorCode)),
            action, StreamError.None);
    }

    /// <summary>
    /// This step followed by <paramref name="next"/>, which must have been computed from <see cref="State"/>:
    /// the transitions concatenate and the one action is kept. Both steps must have succeeded: the halves only
    /// chain events that their own checks have made valid.
    /// </summary>
    internal StepResult<TState> Then(StepResult<TState> next)
    {
        if (IsFailure || next.IsFailure)
        {
            throw new InvalidOperationException($"Cannot chain failed steps: {this} then {next}.");
        }

        Debug.Assert(Action.Kind == StreamActionKind.None || next.Action.Kind == StreamActionKind.None,
            "A chain of steps emits at most one frame.");
        var transitions = Transitions.Concat(next.Transitions);
        var kind = transitions.Count > 0 ? StepKind.Transitioned
            : next.Kind == StepKind.Stayed || Kind == StepKind.Stayed ? StepKind.Stayed
            : StepKind.Ignored;
        var action = Action.Kind != StreamActionKind.None ? Action : next.Action;
        return new(kind, next.State, transitions, action, StreamError.None);
    }
}
