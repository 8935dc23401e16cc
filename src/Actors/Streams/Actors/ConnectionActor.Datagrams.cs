using System.Buffers;
using QuicActors.Kernel;
using QuicActors.Streams.Internal;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Streams;

/// <summary>
/// Datagram flows bound to streams, the HTTP-datagram rule of RFC 9297 §2: each QUIC DATAGRAM (RFC 9221) starts with
/// the Quarter Stream ID of a client-initiated bidirectional stream. Sending is refused once the stream's send half is
/// closed or reset; received datagrams are dropped and counted once its receive half is closed; the flow is removed
/// exactly once, when both halves are terminal (or its generation ends).
/// </summary>
public sealed partial class ConnectionActor
{
    private const int StackDatagramLimit = 512;
    private readonly Dictionary<long, DatagramInbox> _inboxes = [];
    private readonly Queue<EarlyDatagram> _early = new();
    private long _nextPeerFlowIndex;
    private long _datagramsDroppedEarly;
    private DatagramFlowTable _flows = null!;
    private long _datagramsFailedAtEngine;
    private long _datagramsDroppedQueueFull;
    private long _datagramsDroppedMalformed;

    /// <summary>A snapshot of the connection actor's datagram flows and counters.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="connectionActor"/> is null.</exception>
    public static Task<DatagramFlowStatus> GetDatagramStatusAsync(IActorRef connectionActor)
    {
        ArgumentNullException.ThrowIfNull(connectionActor);
        var completion = new TaskCompletionSource<DatagramFlowStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        connectionActor.Tell(new DatagramStatusQuery(completion), ActorRefs.NoSender);
        return completion.Task;
    }

    private void ReceiveDatagrams()
    {
        _flows = new DatagramFlowTable(_connection.Role);
        Receive<SendDatagramCommand>(OnSendDatagram);
        Receive<DatagramStatusQuery>(q => q.Completion.TrySetResult(DatagramStatus()));
    }

    private void BindDatagramFlow(StreamHandle handle)
    {
        if (!_settings.DatagramFlows || !QuarterStreamId.CanCarryDatagrams(handle.StreamId) || !_flows.Bind(handle.StreamId))
        {
            return;
        }

        var inbox = new DatagramInbox(_settings.DatagramQueueCapacity);
        _inboxes[handle.StreamId.Value] = inbox;
        handle.DatagramInbox = inbox;
        _settings.Metrics.ActiveFlows.Add(1);
        if (handle.StreamId.Initiator != _connection.Role)
        {
            _nextPeerFlowIndex = Math.Max(_nextPeerFlowIndex, handle.StreamId.Index + 1);
            DeliverEarlyDatagrams(handle.StreamId);
        }
    }

    /// <summary>
    /// A datagram may overtake the first STREAM frame of its stream (they travel in different frames, possibly different
    /// packets). RFC 9297 §2.1 lets the receiver buffer it briefly: keep it if it names a peer stream not opened yet.
    /// </summary>
    private bool TryKeepEarly(QuicStreamId streamId, DatagramReceived datagram, int prefix)
    {
        if (!_settings.DatagramFlows || streamId.Initiator == _connection.Role || streamId.Index < _nextPeerFlowIndex || _flows.IsBound(streamId))
        {
            return false;
        }

        // Bounded by count, oldest out first: a peer cannot make us hold more than one flow queue's worth.
        if (_early.Count >= _settings.DatagramQueueCapacity && _early.TryDequeue(out var oldest))
        {
            DropEarly(oldest);
        }

        _early.Enqueue(new EarlyDatagram(streamId, datagram, prefix));
        return true;
    }

    private void DeliverEarlyDatagrams(QuicStreamId streamId)
    {
        for (var i = _early.Count; i > 0 && _early.TryDequeue(out var early); i--)
        {
            if (early.StreamId != streamId)
            {
                _early.Enqueue(early);
            }
            else
            {
                Deliver(streamId, early.Datagram, early.Prefix);
            }
        }
    }

    private void DropEarly(EarlyDatagram early)
    {
        _datagramsDroppedEarly++;
        _settings.Metrics.DatagramsDropped.Add(1, MetricTags.NoFlow);
        early.Datagram.Dispose();
    }

    private void OnSendDatagram(SendDatagramCommand command)
    {
        try
        {
            _generations.ThrowIfNotAdmitted(command.Stamp);
        }
        catch (StaleHandleException ex)
        {
            command.Completion.TrySetException(ex);
            return;
        }

        var streamId = command.Stamp.StreamId;
        SendState? sendState = null;
        if (_streams.TryGetValue(streamId.Value, out var entry))
        {
            // The handle learns a transition before this actor does: honour it, so a send made after the application
            // saw Reset Sent or Data Sent is refused even while that transition is still on its way here.
            sendState = entry.Handle.SendState;
            if (sendState is { } state && IsSendClosed(state))
            {
                _flows.OnHalfClosed(streamId, StreamHalf.Send);
            }
        }

        var verdict = _flows.TrySend(streamId);
        if (verdict != DatagramSendVerdict.Allowed)
        {
            _settings.Metrics.DatagramsRefused.Add(1, verdict == DatagramSendVerdict.SendHalfClosed ? MetricTags.SendHalfClosed : MetricTags.NoFlow);
            LogDatagram("refused", command.Stamp, verdict);
            command.Completion.TrySetException(new StreamDatagramRefusedException(streamId, verdict, sendState));
            return;
        }

        var length = QuarterStreamId.EncodedLength(streamId) + command.Payload.Length;
        byte[]? rented = null;
        Span<byte> buffer = length <= StackDatagramLimit ? stackalloc byte[StackDatagramLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var prefix = QuarterStreamId.Write(buffer, streamId);
            command.Payload.Span.CopyTo(buffer[prefix..]);
            if (_connection.SendDatagram(buffer[..length]))
            {
                _settings.Metrics.DatagramsSent.Add(1);
                command.Completion.TrySetResult(true);
            }
            else
            {
                _datagramsFailedAtEngine++;
                _settings.Metrics.DatagramsRefused.Add(1, MetricTags.EngineQueueFull);
                command.Completion.TrySetResult(false);
            }
        }
        catch (QuicTransportException ex)
        {
            _datagramsFailedAtEngine++;
            _settings.Metrics.DatagramsRefused.Add(1, MetricTags.TooLarge);
            command.Completion.TrySetException(ex);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void OnDatagramReceived(DatagramReceived datagram)
    {
        if (!QuarterStreamId.TryRead(datagram.Payload.Span, out var streamId, out var prefix))
        {
            _datagramsDroppedMalformed++;
            _settings.Metrics.DatagramsDropped.Add(1, MetricTags.Malformed);
            datagram.Dispose();
            return;
        }

        if (_streams.TryGetValue(streamId.Value, out var entry) && entry.Handle.ReceiveState is { } state && IsReceiveClosed(state))
        {
            CloseDatagramReceive(streamId);
        }

        if (!TryKeepEarly(streamId, datagram, prefix))
        {
            Deliver(streamId, datagram, prefix);
        }
    }

    /// <summary>Queues the datagram for its flow, or drops and counts it; takes ownership either way.</summary>
    private void Deliver(QuicStreamId streamId, DatagramReceived datagram, int prefix)
    {
        switch (_flows.OnDatagramReceived(streamId))
        {
            case DatagramReceiveVerdict.Deliver when _inboxes.TryGetValue(streamId.Value, out var inbox) && inbox.TryWrite(datagram, prefix):
                _settings.Metrics.DatagramsReceived.Add(1);
                return;
            case DatagramReceiveVerdict.Deliver:
                _datagramsDroppedQueueFull++;
                _settings.Metrics.DatagramsDropped.Add(1, MetricTags.QueueFull);
                break;
            case DatagramReceiveVerdict.DroppedReceiveHalfClosed:
                _settings.Metrics.DatagramsDropped.Add(1, MetricTags.ReceiveHalfClosed);
                LogDatagram("dropped", _generations.Stamp(streamId), DatagramReceiveVerdict.DroppedReceiveHalfClosed);
                break;
            default:
                _settings.Metrics.DatagramsDropped.Add(1, MetricTags.NoFlow);
                break;
        }

        datagram.Dispose();
    }

    /// <summary>Keeps the flow in step with a transition of the current generation.</summary>
    private void UpdateDatagramFlow(in StreamTransition transition)
    {
        var streamId = transition.Stamp.StreamId;
        if (!_inboxes.ContainsKey(streamId.Value))
        {
            return;
        }

        if (transition.Half == StreamHalf.Send ? IsSendClosed(transition.Send.To) : IsReceiveClosed(transition.Receive.To))
        {
            if (transition.Half == StreamHalf.Send)
            {
                _flows.OnHalfClosed(streamId, StreamHalf.Send);
            }
            else
            {
                CloseDatagramReceive(streamId);
            }
        }

        if (transition.IsTerminal && _flows.OnHalfTerminal(streamId, transition.Half) && _inboxes.Remove(streamId.Value, out var inbox))
        {
            inbox.Discard();
            _settings.Metrics.ActiveFlows.Add(-1);
        }
    }

    /// <summary>
    /// A handle command on its way to the stream: a FIN or an abort closes the flow that way at once. The application's
    /// next datagram command is behind this one in the mailbox, so it is refused even though the half's transition
    /// (published by the half actor, after the engine call) may still be on its way.
    /// </summary>
    private void OnStreamCommandForDatagrams(IStreamCommand command)
    {
        var streamId = command.Stamp.StreamId;
        if (!_inboxes.ContainsKey(streamId.Value))
        {
            return;
        }

        switch (command)
        {
            case WriteCommand { Fin: true }:
                _flows.OnHalfClosed(streamId, StreamHalf.Send);
                break;
            case AbortCommand abort:
                if ((abort.Direction & StreamAbortDirection.Read) != 0)
                {
                    CloseDatagramReceive(streamId);
                }

                if ((abort.Direction & StreamAbortDirection.Write) != 0)
                {
                    _flows.OnHalfClosed(streamId, StreamHalf.Send);
                }

                break;
        }
    }

    private void CloseDatagramReceive(QuicStreamId streamId)
    {
        if (_flows.OnHalfClosed(streamId, StreamHalf.Receive) && _inboxes.TryGetValue(streamId.Value, out var inbox))
        {
            inbox.Complete();
        }
    }

    /// <summary>The generation ended, the connection closed or the actor stops: every flow goes, each counted removed once.</summary>
    private void DiscardDatagramFlows()
    {
        var removed = _flows.Clear();
        _nextPeerFlowIndex = 0;
        while (_early.TryDequeue(out var early))
        {
            DropEarly(early);
        }

        foreach (var inbox in _inboxes.Values)
        {
            inbox.Discard();
        }

        _inboxes.Clear();
        if (removed > 0)
        {
            _settings.Metrics.ActiveFlows.Add(-removed);
        }
    }

    private DatagramFlowStatus DatagramStatus() => new(
        _flows.ActiveFlows,
        _flows.FlowsBound,
        _flows.FlowsRemoved,
        _flows.SentCount - _datagramsFailedAtEngine,
        _flows.SendRefusedCount + _datagramsFailedAtEngine,
        _flows.DeliveredCount - _datagramsDroppedQueueFull,
        _flows.DroppedAfterReceiveClosedCount,
        _flows.DroppedNoFlowCount + _datagramsDroppedEarly,
        _datagramsDroppedQueueFull,
        _datagramsDroppedMalformed,
        _early.Count);

    private void LogDatagram<TVerdict>(string what, StreamHandleStamp stamp, TVerdict verdict)
        where TVerdict : struct, Enum
    {
        if (_log.IsEnabled(Serilog.Events.LogEventLevel.Debug))
        {
            _log.Debug(
                "Connection {ConnectionId} generation {Generation} stream {StreamId}: datagram {Outcome} ({Verdict})",
                _settings.ConnectionId,
                stamp.Generation,
                stamp.StreamId.Value,
                what,
                verdict);
        }
    }

    /// <summary>RFC 9297 §2.1 closed send side: FIN queued, RESET_STREAM sent (also in answer to STOP_SENDING), or terminal.</summary>
    private static bool IsSendClosed(SendState state) => state is not (SendState.Ready or SendState.Send);

    /// <summary>Closed receive side: FIN or RESET_STREAM received, or terminal.</summary>
    private static bool IsReceiveClosed(ReceiveState state) => state != ReceiveState.Recv;

    private readonly record struct EarlyDatagram(QuicStreamId StreamId, DatagramReceived Datagram, int Prefix);
}
