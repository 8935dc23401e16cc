namespace QuicActors.Streams;

/// <summary>
/// One state change of a stream half: from <paramref name="From"/> to <paramref name="To"/> because of
/// <paramref name="Cause"/>. <paramref name="From"/> never equals <paramref name="To"/> in a transition produced by
/// <see cref="SendStateMachine"/> or <see cref="ReceiveStateMachine"/>.
/// </summary>
/// <typeparam name="TState"><see cref="SendState"/> or <see cref="ReceiveState"/>.</typeparam>
/// <param name="From">The state left.</param>
/// <param name="To">The state entered.</param>
/// <param name="Cause">Why the half moved.</param>
/// <param name="ErrorCode">
/// The application error code for <see cref="TransitionCause.LocalAbort"/>, <see cref="TransitionCause.PeerStopSending"/>,
/// <see cref="TransitionCause.PeerReset"/> and <see cref="TransitionCause.LocalStopSending"/>; otherwise <see langword="null"/>.
/// </param>
public readonly record struct Transition<TState>(TState From, TState To, TransitionCause Cause, ulong? ErrorCode)
    where TState : struct, Enum
{
    /// <inheritdoc/>
    public override string ToString() => ErrorCode is { } code
        ? $"{From} -> {To} ({Cause} {code})"
        : $"{From} -> {To} ({Cause})";
}
