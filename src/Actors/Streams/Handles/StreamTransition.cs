using System.Globalization;

namespace QuicActors.Streams;

/// <summary>
/// One half-state transition of a stream, as published by its stream actor: exactly one of <see cref="Send"/> and
/// <see cref="Receive"/> is meaningful, chosen by <see cref="Half"/> (RFC 9000 §3.1, §3.2).
/// </summary>
/// <param name="Stamp">The stream (connection, generation, stream ID).</param>
/// <param name="Half">Which half moved.</param>
/// <param name="Send">The send half's transition when <paramref name="Half"/> is <see cref="StreamHalf.Send"/>.</param>
/// <param name="Receive">The receive half's transition when <paramref name="Half"/> is <see cref="StreamHalf.Receive"/>.</param>
public readonly record struct StreamTransition(StreamHandleStamp Stamp, StreamHalf Half, Transition<SendState> Send, Transition<ReceiveState> Receive)
{
    /// <summary>The cause of the transition.</summary>
    public TransitionCause Cause => Half == StreamHalf.Send ? Send.Cause : Receive.Cause;

    /// <summary>Whether the half reached a terminal state with this transition.</summary>
    public bool IsTerminal => Half == StreamHalf.Send ? SendStateMachine.IsTerminal(Send.To) : ReceiveStateMachine.IsTerminal(Receive.To);

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Stamp} {(Half == StreamHalf.Send ? "send " + Send : "receive " + Receive)}");
}
