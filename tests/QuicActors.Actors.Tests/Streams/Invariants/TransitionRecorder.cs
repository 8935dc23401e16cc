using QuicActors.Actors.Tests.Streams.StateMachines;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Streams.Invariants;

/// <summary>
/// Invariant 3 for one handle: every transition it publishes is an edge RFC 9000 §3 allows (<see cref="RfcStreamEdges"/>)
/// and continues from the previous one, so none is published twice or skipped; the stream's transitions complete once.
/// A handle subscribed before anything could happen to it (a local open) must start from Ready / Recv.
/// </summary>
internal sealed class TransitionRecorder : IObserver<StreamTransition>
{
    private readonly InvariantLog _log;
    private readonly QuicConnectionRole _side;
    private readonly Lock _gate = new();
    private SendState? _send;
    private ReceiveState? _receive;
    private int _completed;

    public TransitionRecorder(InvariantLog log, QuicConnectionRole side, StreamHandle handle, bool subscribedBeforeAnyEvent)
    {
        _log = log;
        _side = side;
        Handle = handle;
        if (subscribedBeforeAnyEvent)
        {
            _send = handle.CanWrite ? SendState.Ready : null;
            _receive = handle.CanRead ? ReceiveState.Recv : null;
        }

        handle.Transitions.Subscribe(this);
    }

    public StreamHandle Handle { get; }

    public QuicConnectionRole Side => _side;

    public bool Completed => Volatile.Read(ref _completed) > 0;

    public int Count { get; private set; }

    /// <summary>Whether a half ended because its generation ended (0-RTT rejected): the handle is stale from then on.</summary>
    public bool Discarded { get; private set; }

    public void OnCompleted()
    {
        if (Interlocked.Increment(ref _completed) > 1)
        {
            _log.Violation($"invariant 3: {_side} {Handle.Stamp}: the transitions completed twice");
        }
    }

    public void OnError(Exception error) => _log.Violation($"invariant 3: {_side} {Handle.Stamp}: the transitions failed: {error}");

    public void OnNext(StreamTransition value)
    {
        lock (_gate)
        {
            Count++;
            Discarded |= value.Cause == TransitionCause.GenerationDiscarded;
            if (Completed)
            {
                _log.Violation($"invariant 3: {_side} {value}: published after the transitions completed");
            }

            if (value.Stamp != Handle.Stamp)
            {
                _log.Violation($"invariant 3: {_side} {value}: published to the handle of {Handle.Stamp}");
            }

            if (value.Half == StreamHalf.Send)
            {
                if (!RfcStreamEdges.IsAllowed(value.Send))
                {
                    _log.Violation($"invariant 3: {_side} {value}: not an edge RFC 9000 §3.1 allows");
                }

                if (_send is { } previous && previous != value.Send.From)
                {
                    _log.Violation($"invariant 3: {_side} {value}: follows {previous} (a transition skipped or published twice)");
                }

                _send = value.Send.To;
            }
            else
            {
                if (!RfcStreamEdges.IsAllowed(value.Receive))
                {
                    _log.Violation($"invariant 3: {_side} {value}: not an edge RFC 9000 §3.2 allows");
                }

                if (_receive is { } previous && previous != value.Receive.From)
                {
                    _log.Violation($"invariant 3: {_side} {value}: follows {previous} (a transition skipped or published twice)");
                }

                _receive = value.Receive.To;
            }
        }
    }

    /// <summary>Invariant 4 at the end of a scenario: the stream terminated and said so.</summary>
    public void CheckTerminated()
    {
        if (!Completed)
        {
            _log.Violation($"invariant 4: {_side} {Handle.Stamp}: the stream never ended (send {Handle.SendState}, receive {Handle.ReceiveState})");
        }

        if (Handle.SendState is { } send && !SendStateMachine.IsTerminal(send))
        {
            _log.Violation($"invariant 4: {_side} {Handle.Stamp}: the send half ended in {send}, not terminal");
        }

        if (Handle.ReceiveState is { } receive && !ReceiveStateMachine.IsTerminal(receive))
        {
            _log.Violation($"invariant 4: {_side} {Handle.Stamp}: the receive half ended in {receive}, not terminal");
        }

        lock (_gate)
        {
            if (_send is { } lastSend && Handle.SendState != lastSend)
            {
                _log.Violation($"invariant 3: {_side} {Handle.Stamp}: the last published send state {lastSend} is not the handle's {Handle.SendState}");
            }

            if (_receive is { } lastReceive && Handle.ReceiveState != lastReceive)
            {
                _log.Violation($"invariant 3: {_side} {Handle.Stamp}: the last published receive state {lastReceive} is not the handle's {Handle.ReceiveState}");
            }
        }
    }
}
