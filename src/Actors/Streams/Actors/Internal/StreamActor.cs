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
/// <para>An actor hosted on its connection actor's mailbox rather than one with a cell and a mailbox of its own: its
/// messages (handle commands, engine events, its timers) are told to the connection actor, which hands each to
/// <see cref="Receive"/>, one at a time, on the connection's turn. It owns its state, changes it only in
/// <see cref="Receive"/>, and ends by asking to stop (<see cref="StopRequested"/>), as any actor; what it does not have is
/// a spawn, a stop handshake and a scheduled turn of its own per stream, which were a third of the cost of a churned
/// stream (figures in <c>README.md</c>). A stream's work therefore runs on its connection's turn, as in msquic and quic-go,
/// where a connection is the unit of concurrency.</para>
/// <para>A switch rather than <see cref="ReceiveActor"/> registrations, and the halves as objects rather than child actors:
/// an idle stream must cost at most 2 KB per side.</para>
/// </remarks>
internal sealed partial class StreamActor
{
    private readonly StreamActorContext _context;
    private readonly StreamHandle _handle;
    private readonly SendHalfHost? _send;
    private readonly ReceiveHalfHost? _receive;
    private ICancelable? _lingerRecheck;
    private long _lingerRecheckArmedAt;
    private TimeSpan _lingerRecheckAfter;
    private long _releasedAt;
    private long _finSentAt;
    private long _drained;
    private bool _receiveEnded;
    private bool _released;
    private bool _lingerDue;
    private bool _drainAsked;
    private bool _stopSendingSent;
    private bool _finAsked;
    private bool _resetSent;

    /// <summary>The stream actor of <paramref name="handle"/>'s stream, on the connection <paramref name="context"/> belongs to.</summary>
    public StreamActor(StreamActorContext context, StreamHandle handle)
    {
        _context = context;
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

    /// <summary>Every half the stream has is terminal: the actor has asked to stop, and its host stops it after this message.</summary>
    internal bool StopRequested { get; private set; }

    /// <summary>The actor has stopped (<see cref="Stop"/>): later messages, a late timer's say, are not for it.</summary>
    internal bool Stopped { get; private set; }

    /// <summary>The send half, while it still takes input.</summary>
    private SendHalfHost? LiveSend => _send is { IsTerminal: false } send ? send : null;

    /// <summary>The receive half, while it still takes input.</summary>
    private ReceiveHalfHost? LiveReceive => _receive is { IsTerminal: false } receive ? receive : null;

    /// <summary>
    /// Handles one message, told to the connection actor for this stream. Commands have passed the connection's generation
    /// gate (<see cref="GenerationTracker.ThrowIfNotAdmitted"/>) by now; the halves check again right before an engine call.
    /// </summary>
    /// <returns>Whether the message was one a stream takes.</returns>
    public bool Receive(object message)
    {
        // The messages every stream brings come first: the cases are tried in order.
        switch (message)
        {
            case WriteCommand write:
                OnWrite(write);
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
            case StreamFinAcknowledged:
                LiveSend?.OnFinAcknowledged();
                break;
            case EndOfStreamRead:
                LiveReceive?.OnEndOfStreamRead();
                break;
            case ReadCommand read:
                OnRead(read);
                break;
            case ReleaseCommand:
                OnRelease();
                break;
            case OfferedBytesRead offered:
                LiveReceive?.OnOfferedBytesRead(offered.Count);
                break;
            case PeerResetRead:
                LiveReceive?.OnPeerResetRead();
                break;
            case AbortCommand abort:
                OnAbort(abort.Direction, abort.ErrorCode);
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

    /// <summary>
    /// Ends the actor: after every half is terminal (<see cref="StopRequested"/>), after a failure, or when its connection
    /// actor stops. A half may still be open after a failure; the host reports every half all the same, and the engine's
    /// ReleaseStream aborts that half (code 0), so the slot is not leaked.
    /// </summary>
    internal void Stop()
    {
        if (Stopped)
        {
            return;
        }

        Stopped = true;
        if (!HalvesTerminal)
        {
            // Stopped with a half still open (its connection actor stopped, or a half failed): the stream is gone, so code
            // waiting on the handle's abort token is told now, or a handler awaiting only that token would wait forever.
            _handle.SignalPeerAbort();
        }

        EndReceive();
        _lingerRecheck?.Cancel();
        _handle.Complete();
    }

    /// <summary>
    /// Has this actor handle <paramref name="message"/> after <paramref name="delay"/>, through its connection actor's
    /// mailbox. A plain scheduled tell, not the kernel's timers: those cost every stream a timer table while it sits idle. A
    /// cancelled timer's message may still arrive, so each message is harmless when stale.
    /// </summary>
    internal ICancelable ScheduleSelf(TimeSpan delay, object message) => _context.Host.ScheduleStreamMessage(delay, this, message);

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
            _context.Host.PublishTransition(transition);
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

        // A release still on its way then finds no stream, which the connection answers for (a release needs no answer).
        StopRequested |= terminal;
    }

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
