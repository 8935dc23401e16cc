using QuicActors.Kernel;
using QuicActors.Transport.Events;

namespace QuicActors.Streams.Internal;

/// <summary>
/// One QUIC stream: the parent of a <see cref="SendHalfHost"/> and a <see cref="ReceiveHalfHost"/> (one of them for a
/// unidirectional stream), its two child state machines. Routes commands and engine events to the halves, publishes each
/// half transition to the handle and reports terminal halves to the connection, applies the <see cref="LingerPolicy"/>
/// once the application released the stream, and stops when both halves are terminal.
/// </summary>
/// <remarks>
/// A switch rather than <see cref="ReceiveActor"/> registrations, and the halves as objects rather than child actors:
/// an idle stream must cost at most 2 KB per side, and per-instance handler tables plus two more actors (cell, mailbox,
/// watch, timers) cost more than that on their own (figures in <c>README.md</c>).
/// </remarks>
internal sealed partial class StreamActor : ActorBase
{
    private static readonly SupervisorStrategy StopOnFailure = new OneForOneStrategy(static _ => Directive.Stop);
    private readonly StreamActorContext _context;
    private StreamHandle _handle = null!;
    private SendHalfHost? _send;
    private ReceiveHalfHost? _receive;
    private ICancelable? _lingerRecheck;
    private long _lingerRecheckArmedAt;
    private TimeSpan _lingerRecheckAfter;
    private long _releasedAt;
    private long _finSentAt;
    private long _drained;
    private bool _receiveEnded;
    private bool _released;
    private bool _releaseArrived;
    private bool _lingerDue;
    private bool _drainAsked;
    private bool _stopSendingSent;
    private bool _finAsked;
    private bool _resetSent;

    /// <summary>A stream actor of the connection <paramref name="context"/> belongs to; its first message is its <see cref="StreamHandle"/>.</summary>
    public StreamActor(StreamActorContext context) => _context = context;

    /// <summary>
    /// The props every stream actor of one connection shares. The handle comes as the actor's first message, told by the
    /// connection right after the spawn (before anyone else holds the handle or the actor's route, so nothing can overtake
    /// it): props, factory and closure per stream would cost about 150 bytes for as long as the stream lives.
    /// </summary>
    public static Props Props(StreamActorContext context) =>
        Kernel.Props.Create(() => new StreamActor(context));

    private void Attach(StreamHandle handle)
    {
        _handle = handle;
        if (handle.CanWrite)
        {
            _send = new SendHalfHost(this);
        }

        if (handle.CanRead)
        {
            _receive = new ReceiveHalfHost(this);
        }
    }

    /// <summary>What the stream actors of this connection share (read by the halves).</summary>
    internal StreamActorContext StreamContext => _context;

    /// <summary>The stream's handle (read by the halves).</summary>
    internal StreamHandle Handle => _handle;

    /// <summary>The send half, while it still takes input.</summary>
    private SendHalfHost? LiveSend => _send is { IsTerminal: false } send ? send : null;

    /// <summary>The receive half, while it still takes input.</summary>
    private ReceiveHalfHost? LiveReceive => _receive is { IsTerminal: false } receive ? receive : null;

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case StreamHandle handle when _handle is null:
                Attach(handle);
                return true;
            case IStreamCommand command when !ReferenceEquals(Sender, Context.Parent) && !Admit(command):
                // Straight from a handle: the connection's generation gate was not on the way, so it runs here. A refused
                // release still counts as arrived: the actor may be waiting for it to stop.
                if (command is ReleaseCommand)
                {
                    _releaseArrived = true;
                    AfterMessage();
                }

                return true;
            case ReadCommand read:
                OnRead(read);
                break;
            case WriteCommand write:
                OnWrite(write);
                break;
            case EndOfStreamRead:
                LiveReceive?.OnEndOfStreamRead();
                break;
            case OfferedBytesRead offered:
                LiveReceive?.OnOfferedBytesRead(offered.Count);
                break;
            case PeerResetRead:
                LiveReceive?.OnPeerResetRead();
                break;
            case StreamDataReceived data:
                if (LiveReceive is { } receiver)
                {
                    receiver.OnData(data);
                }
                else
                {
                    data.Dispose();
                }

                break;
            case AbortCommand abort:
                OnAbort(abort.Direction, abort.ErrorCode);
                break;
            case ReleaseCommand:
                OnRelease();
                break;
            case ReadDeadline deadline:
                LiveReceive?.OnReadDeadline(deadline);
                break;
            case LingerRecheck:
                // A cancelled timer's message may still come; only the armed timer's own is (about) due by now. Erring
                // early only re-arms: a stray recheck re-applies the policy and changes nothing else.
                if (LingerRecheckRemaining(_context.Time.GetTimestamp()) <= TimeSpan.FromMilliseconds(1))
                {
                    _lingerRecheck = null;
                }

                _lingerDue = true;
                break;
            case PeerResetStream reset:
                LiveReceive?.OnPeerReset(reset);
                break;
            case StreamDataDiscarded discarded:
                LiveReceive?.OnDataDiscarded(discarded);
                break;
            case PeerStopSending stop:
                LiveSend?.OnPeerStopSending(stop);
                break;
            case StreamFinAcknowledged:
                LiveSend?.OnFinAcknowledged();
                break;
            case StreamResetAcknowledged:
                LiveSend?.OnResetAcknowledged();
                break;
            case ConnectionClosed:
                _handle.SignalPeerAbort();
                LiveSend?.OnConnectionClosed();
                LiveReceive?.OnConnectionClosed();
                break;
            case GenerationDiscarded:
                LiveSend?.OnGenerationDiscarded();
                LiveReceive?.OnGenerationDiscarded();
                break;
            default:
                return false;
        }

        AfterMessage();
        return true;
    }

    private bool Admit(IStreamCommand command)
    {
        try
        {
            _context.Generations.ThrowIfNotAdmitted(command.Stamp);
            return true;
        }
        catch (StaleHandleException ex)
        {
            command.Fail(ex);
            return false;
        }
    }

    /// <summary>
    /// A half that throws stops the whole stream, never restarts it: a restart would forget the RFC states. Its slot still
    /// comes back, because a stream that stops reports every half it had as terminal (see <see cref="PostStop"/>).
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => StopOnFailure;

    protected override void PostStop()
    {
        if (_handle is null)
        {
            // Stopped before its handle came (its connection stopped right after the spawn): there is nothing to report.
            return;
        }

        if (!HalvesTerminal)
        {
            // Stopped with a half still open (its connection actor stopped, or a half failed): the stream is gone, so code
            // waiting on the handle's abort token is told now, or a handler awaiting only that token would wait forever.
            _handle.SignalPeerAbort();
        }

        EndReceive();
        _lingerRecheck?.Cancel();

        _handle.Complete();

        // One message for the whole end: the actor stops exactly when its halves are terminal, so the connection records
        // both halves and the stop together. After a failure a half may still be open; it is reported all the same, and
        // the engine's ReleaseStream aborts it (code 0), so the slot is not leaked.
        Context.Parent.Tell(new StreamStopped(_handle.Stamp, Self), Self);
    }

    /// <summary>
    /// Tells this actor <paramref name="message"/> after <paramref name="delay"/>. A plain scheduled tell, not the kernel's
    /// timers: those cost every stream a timer table while it sits idle. A cancelled timer's message may still arrive, so
    /// each message is harmless when stale.
    /// </summary>
    internal ICancelable ScheduleSelf(TimeSpan delay, object message) =>
        Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, message, Self);

    /// <summary>Called by a half, on this actor's thread, for each of its transitions, in order.</summary>
    internal void OnHalfTransition(in StreamTransition transition)
    {
        if (transition.Half == StreamHalf.Send && transition.Send.To == SendState.DataSent)
        {
            _finSentAt = _context.Time.GetTimestamp();
        }

        if (transition.Cause is TransitionCause.PeerReset or TransitionCause.PeerStopSending)
        {
            _handle.SignalPeerAbort();
        }

        _handle.Publish(transition);
        if (_context.Audience.IsListening)
        {
            Context.Parent.Tell(new HalfTransitioned(transition), Self);
        }

        // Not now: the half is in the middle of a step. The policy runs once the message is handled.
        _lingerDue |= _released;
    }

    /// <summary>The receive half drained (read and discarded) <paramref name="totalBytes"/> so far under the linger policy.</summary>
    internal void OnDrained(long totalBytes)
    {
        _drained = totalBytes;

        // Crossing the byte bound makes the policy act, once the message is handled: no transition and no timer would
        // bring it back before the time bound, and a peer that keeps sending would be drained until then.
        _lingerDue |= totalBytes >= _context.Linger.ReceiveDrainMaxBytes;
    }

    private bool HalvesTerminal => (_send is null || _send.IsTerminal) && (_receive is null || _receive.IsTerminal);

    private void AfterMessage()
    {
        var terminal = HalvesTerminal;

        // Each linger action is taken once, so this ends: a pass either acts (and may cause transitions) or does not. A
        // stream whose halves are all terminal needs no pass: it stops now, and its recheck is cancelled when it stops.
        while (_lingerDue && !terminal)
        {
            _lingerDue = false;
            ApplyLinger();
            terminal = HalvesTerminal;
        }

        if (_receive is { IsTerminal: true })
        {
            EndReceive();
        }

        if (terminal && !ReleaseComing)
        {
            Context.Stop(Self);
        }
    }

    /// <summary>
    /// The handle has told its release and it has not arrived yet. The peer's last acknowledgement often ends a stream just
    /// after its handler returned: stopping now would leave the release to the dead letters, which cost far more than
    /// waiting for it. Only while the generation is current: once it ends, the connection drops commands at its gate, and
    /// the event that ended the generation runs this check again.
    /// </summary>
    private bool ReleaseComing => !_releaseArrived && _handle.ReleaseCommandSent && _context.Generations.IsCurrent(_handle.Stamp);

    private void EndReceive()
    {
        if (_receive is not null && !_receiveEnded)
        {
            _receiveEnded = true;
            _receive.End();
        }
    }

    private void OnRead(ReadCommand read)
    {
        if (LiveReceive is { } receiver)
        {
            receiver.OnRead(read);
        }
        else if (_receive?.State == ReceiveState.DataRead && _handle.ReceiveAbort is null)
        {
            read.Answer(0);
        }
        else
        {
            read.Fail(_handle.ReceiveAbort ?? (Exception)new InvalidOperationException($"Stream {_handle.StreamId}: the receive half has ended in {_receive?.State}."));
        }
    }

    private void OnWrite(WriteCommand write)
    {
        if (LiveSend is { } sender)
        {
            sender.OnWrite(write.Data, write.Fin, write.Completion);
        }
        else
        {
            write.Fail(_handle.SendAbort ?? (Exception)new InvalidOperationException($"Stream {_handle.StreamId}: the send half has ended in {_send?.State}."));
        }
    }

    private void OnAbort(StreamAbortDirection direction, long errorCode)
    {
        if ((direction & StreamAbortDirection.Read) != 0)
        {
            LiveReceive?.OnAbort(errorCode);
        }

        if ((direction & StreamAbortDirection.Write) != 0)
        {
            LiveSend?.OnAbort(errorCode);
        }
    }

    private void OnRelease()
    {
        _releaseArrived = true;
        if (_released)
        {
            return;
        }

        _released = true;
        _releasedAt = _context.Time.GetTimestamp();
        _lingerDue = true;
    }

    private void ApplyLinger()
    {
        if (!_released || _context.Linger.Mode == LingerMode.Raw)
        {
            return;
        }

        var actionsBefore = LingerActionsTaken();

        // A reset the application will never read now counts as read, so the half can end.
        if (_receive?.State == ReceiveState.ResetRecvd && !_drainAsked)
        {
            _drainAsked = true;
            LiveReceive?.Drain();
        }

        // One clock read per pass.
        var now = _context.Time.GetTimestamp();
        var observation = new LingerObservation(
            SendProgress(),
            ReceiveProgress(),
            ApplicationReleased: true,
            _context.Time.GetElapsedTime(_releasedAt, now),
            _drained,
            _send?.State == SendState.DataSent ? _context.Time.GetElapsedTime(_finSentAt, now) : TimeSpan.Zero);
        var decision = _context.Linger.Decide(observation);
        if (decision.Has(LingerActions.Drain) && !_drainAsked)
        {
            _drainAsked = true;
            LiveReceive?.Drain();
        }

        if (decision.Has(LingerActions.SendStopSending) && !_stopSendingSent)
        {
            _stopSendingSent = true;
            LiveReceive?.OnAbort(decision.StopSendingErrorCode);
        }

        if (decision.Has(LingerActions.SendFin) && !_finAsked)
        {
            _finAsked = true;
            LiveSend?.OnWrite(ReadOnlyMemory<byte>.Empty, fin: true, completion: null);
        }

        if (decision.Has(LingerActions.SendReset) && !_resetSent)
        {
            _resetSent = true;
            LiveSend?.OnAbort(decision.ResetErrorCode);
        }

        ReportLingerActions(actionsBefore);

        if (decision.RecheckAfter is { } recheck)
        {
            // A recheck already due no later stands: it re-applies the policy, which arms the next one. Re-arming on every
            // transition would create and cancel a timer each time.
            recheck = recheck < TimeSpan.Zero ? TimeSpan.Zero : recheck;
            if (_lingerRecheck is null || LingerRecheckRemaining(now) > recheck)
            {
                _lingerRecheck?.Cancel();
                _lingerRecheck = ScheduleSelf(recheck, LingerRecheck.Instance);
                _lingerRecheckArmedAt = now;
                _lingerRecheckAfter = recheck;
            }
        }
        else if (_lingerRecheck is not null)
        {
            _lingerRecheck.Cancel();
            _lingerRecheck = null;
        }
    }

    private TimeSpan LingerRecheckRemaining(long now) => _lingerRecheckAfter - _context.Time.GetElapsedTime(_lingerRecheckArmedAt, now);

    private SendHalfProgress SendProgress() => _send?.State switch
    {
        null => SendHalfProgress.Absent,
        SendState.Ready or SendState.Send => SendHalfProgress.Open,
        SendState.DataSent => SendHalfProgress.FinSent,
        SendState.ResetSent => SendHalfProgress.ResetSent,
        _ => SendHalfProgress.Terminal,
    };

    private ReceiveHalfProgress ReceiveProgress() => _receive?.State switch
    {
        null => ReceiveHalfProgress.Absent,
        ReceiveState.Recv or ReceiveState.SizeKnown or ReceiveState.DataRecvd => _stopSendingSent ? ReceiveHalfProgress.StopSendingSent : ReceiveHalfProgress.Open,
        _ => ReceiveHalfProgress.Terminal,
    };
}
