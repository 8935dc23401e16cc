using QuicActors.Kernel;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Streams.Internal;

/// <summary>
/// One QUIC stream: the parent of a <see cref="SendHalfActor"/> and a <see cref="ReceiveHalfActor"/> (one of them for a
/// unidirectional stream). Routes commands and engine events to the halves, publishes each half transition to the handle
/// and reports terminal halves to the connection, applies the <see cref="LingerPolicy"/> once the application released
/// the stream, and stops when both children have stopped.
/// </summary>
internal sealed partial class StreamActor : ReceiveActor, IWithTimers
{
    private readonly IQuicEngineConnection _connection;
    private readonly GenerationTracker _generations;
    private readonly StreamHandle _handle;
    private readonly LingerPolicy _linger;
    private readonly TimeProvider _time;
    private IActorRef? _send;
    private IActorRef? _receive;
    private SendState? _sendState;
    private ReceiveState? _receiveState;
    private StreamAbortedException? _sendAbort;
    private StreamAbortedException? _receiveAbort;
    private int _liveChildren;
    private long _releasedAt;
    private long _finSentAt;
    private long _drained;
    private static readonly SupervisorStrategy StopOnFailure = new OneForOneStrategy(static _ => Directive.Stop);
    private bool _sendReported;
    private bool _receiveReported;
    private bool _released;
    private bool _drainAsked;
    private bool _stopSendingSent;
    private bool _finAsked;
    private bool _resetSent;

    public StreamActor(IQuicEngineConnection connection, GenerationTracker generations, StreamHandle handle, LingerPolicy linger, TimeProvider time)
    {
        _connection = connection;
        _generations = generations;
        _handle = handle;
        _linger = linger;
        _time = time;
        Receive<HalfTransitioned>(OnTransition);
        Receive<ReceiveDrained>(d => _drained = d.TotalBytes);
        Receive<ReadCommand>(ToReceive);
        Receive<WriteCommand>(ToSend);
        Receive<AbortCommand>(OnAbort);
        Receive<ReleaseCommand>(_ => OnRelease());
        Receive<LingerRecheck>(_ => ApplyLinger());
        Receive<StreamDataReceived>(ToReceive);
        Receive<PeerResetStream>(ToReceive);
        Receive<PeerStopSending>(ToSend);
        Receive<StreamFinAcknowledged>(ToSend);
        Receive<StreamResetAcknowledged>(ToSend);
        Receive<ConnectionClosed>(e =>
        {
            _handle.SignalPeerAbort();
            _send?.Tell(e, Self);
            _receive?.Tell(e, Self);
        });
        Receive<GenerationDiscarded>(e =>
        {
            _send?.Tell(e, Self);
            _receive?.Tell(e, Self);
        });
        Receive<Terminated>(OnChildTerminated);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IQuicEngineConnection connection, GenerationTracker generations, StreamHandle handle, LingerPolicy linger, TimeProvider time) =>
        Kernel.Props.Create(() => new StreamActor(connection, generations, handle, linger, time));

    protected override void PreStart()
    {
        if (_handle.CanWrite)
        {
            _send = Context.Watch(Context.ActorOf(SendHalfActor.Props(_connection, _generations, _handle.Stamp), "send"));
            _sendState = SendState.Ready;
            _liveChildren++;
        }

        if (_handle.CanRead)
        {
            _receive = Context.Watch(Context.ActorOf(ReceiveHalfActor.Props(_connection, _generations, _handle.Stamp, _handle), "receive"));
            _receiveState = ReceiveState.Recv;
            _liveChildren++;
        }
    }

    /// <summary>
    /// A half that throws is stopped, never restarted: a restart would forget its RFC state. Its slot still comes back,
    /// because a stream that stops reports every half it had as terminal (see <see cref="PostStop"/>).
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => StopOnFailure;

    protected override void PostStop()
    {
        // Normally every half already reported. After a failure, report the rest: the engine's ReleaseStream aborts a
        // half that is not terminal (code 0), so the slot is not leaked.
        if (_handle.CanWrite && !_sendReported)
        {
            Context.Parent.Tell(new HalfTerminal(_handle.Stamp, StreamHalf.Send), Self);
        }

        if (_handle.CanRead && !_receiveReported)
        {
            Context.Parent.Tell(new HalfTerminal(_handle.Stamp, StreamHalf.Receive), Self);
        }

        _handle.Complete();
    }

    /// <summary>Routes to the receive half; once it has stopped, answers here (no closure per message on the way).</summary>
    private void ToReceive(object message)
    {
        if (_receive is not null)
        {
            _receive.Tell(message, Self);
            return;
        }

        switch (message)
        {
            case ReadCommand read when _receiveState == ReceiveState.DataRead && _receiveAbort is null:
                read.Completion.TrySetResult(0);
                break;
            case ReadCommand read:
                read.Fail(_receiveAbort ?? (Exception)new InvalidOperationException($"Stream {_handle.StreamId}: the receive half has ended in {_receiveState}."));
                break;
            case StreamDataReceived data:
                data.Dispose();
                break;
        }
    }

    /// <summary>
    /// Routes to the send half; once it has stopped, answers here. A write after the half was reset is answered here as
    /// well: the half may stop (its RESET_STREAM acknowledged) before the write reaches it, and the write would then come
    /// back as a dead letter that no longer knows the abort's code.
    /// </summary>
    private void ToSend(object message)
    {
        if (_sendAbort is not null && message is WriteCommand aborted)
        {
            aborted.Fail(_sendAbort);
        }
        else if (_send is not null)
        {
            _send.Tell(message, Self);
        }
        else if (message is WriteCommand write)
        {
            write.Fail(_sendAbort ?? (Exception)new InvalidOperationException($"Stream {_handle.StreamId}: the send half has ended in {_sendState}."));
        }
    }

    private void OnAbort(AbortCommand abort)
    {
        if ((abort.Direction & StreamAbortDirection.Read) != 0)
        {
            _receive?.Tell(abort, Self);
        }

        if ((abort.Direction & StreamAbortDirection.Write) != 0)
        {
            _send?.Tell(abort, Self);
        }
    }

    private void OnTransition(HalfTransitioned message)
    {
        var transition = message.Transition;
        if (transition.Half == StreamHalf.Send)
        {
            _sendState = transition.Send.To;
            if (transition.Send.To == SendState.ResetSent)
            {
                _sendAbort = new StreamAbortedException(StreamHalf.Send, (long)(transition.Send.ErrorCode ?? 0), transition.Cause == TransitionCause.PeerStopSending);
            }
            if (transition.Send.To == SendState.DataSent)
            {
                _finSentAt = _time.GetTimestamp();
            }
        }
        else
        {
            _receiveState = transition.Receive.To;
            if (transition.Cause is TransitionCause.PeerReset or TransitionCause.LocalStopSending)
            {
                _receiveAbort ??= new StreamAbortedException(StreamHalf.Receive, (long)(transition.Receive.ErrorCode ?? 0), transition.Cause == TransitionCause.PeerReset);
            }
        }

        if (transition.Cause is TransitionCause.PeerReset or TransitionCause.PeerStopSending)
        {
            _handle.SignalPeerAbort();
        }

        _handle.Publish(transition);
        Context.Parent.Tell(new StreamHalfStates(_handle.Stamp, _sendState, _receiveState, transition), Self);
        if (transition.IsTerminal)
        {
            _sendReported |= transition.Half == StreamHalf.Send;
            _receiveReported |= transition.Half == StreamHalf.Receive;
            Context.Parent.Tell(new HalfTerminal(_handle.Stamp, transition.Half), Self);
        }

        if (_released)
        {
            ApplyLinger();
        }
    }

    private void OnRelease()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        _releasedAt = _time.GetTimestamp();
        ApplyLinger();
    }

    private void ApplyLinger()
    {
        if (!_released || _linger.Mode == LingerMode.Raw)
        {
            return;
        }

        var actionsBefore = LingerActionsTaken();

        // A reset the application will never read now counts as read, so the half can end.
        if (_receiveState == ReceiveState.ResetRecvd && !_drainAsked)
        {
            _drainAsked = true;
            _receive?.Tell(DrainReceive.Instance, Self);
        }

        var observation = new LingerObservation(
            SendProgress(),
            ReceiveProgress(),
            ApplicationReleased: true,
            _time.GetElapsedTime(_releasedAt),
            _drained,
            _sendState == SendState.DataSent ? _time.GetElapsedTime(_finSentAt) : TimeSpan.Zero);
        var decision = _linger.Decide(observation);
        if (decision.Has(LingerActions.Drain) && !_drainAsked)
        {
            _drainAsked = true;
            _receive?.Tell(DrainReceive.Instance, Self);
        }

        if (decision.Has(LingerActions.SendStopSending) && !_stopSendingSent)
        {
            _stopSendingSent = true;
            _receive?.Tell(new AbortCommand(_handle.Stamp, StreamAbortDirection.Read, decision.StopSendingErrorCode), Self);
        }

        if (decision.Has(LingerActions.SendFin) && !_finAsked)
        {
            _finAsked = true;
            _send?.Tell(new WriteCommand(_handle.Stamp, ReadOnlyMemory<byte>.Empty, Fin: true, new TaskCompletionSource()), Self);
        }

        if (decision.Has(LingerActions.SendReset) && !_resetSent)
        {
            _resetSent = true;
            _send?.Tell(new AbortCommand(_handle.Stamp, StreamAbortDirection.Write, decision.ResetErrorCode), Self);
        }

        ReportLingerActions(actionsBefore);

        if (decision.RecheckAfter is { } recheck)
        {
            Timers.StartSingleTimer(LingerRecheck.Instance, LingerRecheck.Instance, recheck < TimeSpan.Zero ? TimeSpan.Zero : recheck);
        }
        else if (Timers.IsTimerActive(LingerRecheck.Instance))
        {
            Timers.Cancel(LingerRecheck.Instance);
        }
    }

    private SendHalfProgress SendProgress() => _sendState switch
    {
        null => SendHalfProgress.Absent,
        SendState.Ready or SendState.Send => SendHalfProgress.Open,
        SendState.DataSent => SendHalfProgress.FinSent,
        SendState.ResetSent => SendHalfProgress.ResetSent,
        _ => SendHalfProgress.Terminal,
    };

    private ReceiveHalfProgress ReceiveProgress() => _receiveState switch
    {
        null => ReceiveHalfProgress.Absent,
        ReceiveState.Recv or ReceiveState.SizeKnown or ReceiveState.DataRecvd => _stopSendingSent ? ReceiveHalfProgress.StopSendingSent : ReceiveHalfProgress.Open,
        _ => ReceiveHalfProgress.Terminal,
    };

    private void OnChildTerminated(Terminated terminated)
    {
        if (ReferenceEquals(terminated.ActorRef, _send) || Equals(terminated.ActorRef, _send))
        {
            _send = null;
        }
        else if (ReferenceEquals(terminated.ActorRef, _receive) || Equals(terminated.ActorRef, _receive))
        {
            _receive = null;
        }
        else
        {
            return;
        }

        if (--_liveChildren == 0)
        {
            Context.Stop(Self);
        }
    }
}
