using QuicActors.Streams.Internal;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Streams;

/// <summary>Local opens: a FIFO of waiting opens with deadlines, fed by the peer's MAX_STREAMS (RFC 9000 §4.6).</summary>
public sealed partial class ConnectionActor
{
    private TimeSpan _openDeadlineDue;

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    private void OnHandshakeCompleted(HandshakeCompleted completed)
    {
        EndEarlyPhase();
        if (_rejectionRead || !_connection.IsEarlyDataRejected)
        {
            // The handshake decided 0-RTT: no rejection can follow, and the engine-call gate is no longer needed.
            _generations.Settle();
        }

        GrantCredit(StreamDirection.Bidirectional, completed.PeerParameters.MaxInboundBidirectionalStreams);
        GrantCredit(StreamDirection.Unidirectional, completed.PeerParameters.MaxInboundUnidirectionalStreams);
        AdoptOpensAcrossRejection();
    }

    private void GrantCredit(StreamDirection direction, long maxStreams)
    {
        _scratch.Clear();
        LedgerFor(direction).OnCreditGranted(maxStreams, _scratch);
        foreach (var requestId in _scratch)
        {
            if (_waitingOpens.Remove(requestId, out var request))
            {
                Open(request);
            }
        }

        ScheduleOpenDeadline();
    }

    private void OnOpenStream(OpenStreamRequest request)
    {
        var requestId = ++_nextRequestId;
        switch (LedgerFor(request.Direction).TryEnqueueOpen(requestId, Now + request.Timeout))
        {
            case OutboundOpenOutcome.Proceed:
                Open(request);
                break;
            case OutboundOpenOutcome.Queued:
                _waitingOpens.Add(requestId, request);
                ScheduleOpenDeadline();
                break;
            default:
                request.Completion.TrySetException(new InvalidOperationException($"Too many opens are waiting for {request.Direction} stream credit."));
                break;
        }
    }

    private void Open(OpenStreamRequest request)
    {
        QuicStreamId streamId;
        try
        {
            bool opened;
            // While a 0-RTT rejection may still come, no stream actor's engine call runs beside the open: if the engine
            // has rejected meanwhile, the ID it hands out restarts at 0, and a late call of an early stream would land on it.
            using (_generations.EnterExclusive())
            {
                opened = _connection.TryOpenStream(request.Direction, out streamId);
                if (!_rejectionRead && _connection.IsEarlyDataRejected)
                {
                    _generations.MarkRejectedAtEngine();
                }
            }

            if (!opened)
            {
                request.Completion.TrySetException(new InvalidOperationException($"The engine refused to open a {request.Direction} stream although the peer's credit allows it."));
                return;
            }
        }
        catch (QuicTransportException ex)
        {
            request.Completion.TrySetException(ex);
            return;
        }

        if (OpenedAcrossRejection(streamId, request))
        {
            return;
        }

        LedgerFor(streamId).OnLocalStreamOpened(streamId);
        var handle = SpawnStream(streamId);
        RememberEarlyStream(handle);
        request.Completion.TrySetResult(handle);
    }

    private void ExpireOpens()
    {
        _scratch.Clear();
        var now = Now;
        _bidirectional.ExpireWaiters(now, _scratch);
        _unidirectional.ExpireWaiters(now, _scratch);
        foreach (var requestId in _scratch)
        {
            if (_waitingOpens.Remove(requestId, out var request))
            {
                request.Completion.TrySetException(new TimeoutException($"No {request.Direction} stream credit from the peer within {request.Timeout}; nothing was opened."));
            }
        }

        ScheduleOpenDeadline();
    }

    private void ScheduleOpenDeadline()
    {
        var next = Min(_bidirectional.NextWaiterDeadline, _unidirectional.NextWaiterDeadline);
        if (next is { } deadline)
        {
            // A timer already set for this instant or an earlier one stands (when it fires, ExpireOpens sets the next):
            // under churn every grant of credit serves a waiting open, and restarting the timer each time cost more than
            // the open itself.
            if (_openDeadlineDue <= deadline && Timers.IsTimerActive(OpenDeadline.Instance))
            {
                return;
            }

            _openDeadlineDue = deadline;
            var delay = deadline - Now;
            Timers.StartSingleTimer(OpenDeadline.Instance, OpenDeadline.Instance, delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
        }
        else if (Timers.IsTimerActive(OpenDeadline.Instance))
        {
            Timers.Cancel(OpenDeadline.Instance);
        }
    }

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
