using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuicActors.Streams.Internal;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>
/// Datagram flows bound to streams, as HTTP datagrams are (RFC 9297 §2, carried in QUIC DATAGRAM frames, RFC 9221):
/// sending on a flow is refused once its stream's send half is closed or reset; datagrams received after the receive
/// half closed are dropped and counted; the flow is removed exactly once, when every half of the stream is terminal.
/// </summary>
/// <remarks>
/// Single owner (the connection actor), no clock, no allocation per datagram. Counters are plain 64-bit fields, safe to
/// read from a metrics callback on another thread (a read may lag the owner by a few updates).
/// </remarks>
public sealed class DatagramFlowTable
{
    private readonly Dictionary<long, Flow> _flows = [];

    /// <summary>Creates a table for an endpoint of <paramref name="role"/>; the role says which halves each stream has.</summary>
    public DatagramFlowTable(QuicConnectionRole role) => Role = role;

    /// <summary>This endpoint's role.</summary>
    public QuicConnectionRole Role { get; }

    /// <summary>Flows bound now.</summary>
    public int ActiveFlows => _flows.Count;

    /// <summary>Flows bound since creation.</summary>
    public long FlowsBound { get; private set; }

    /// <summary>Flows removed since creation; each bound flow is removed at most once.</summary>
    public long FlowsRemoved { get; private set; }

    /// <summary>Datagrams <see cref="TrySend"/> allowed.</summary>
    public long SentCount { get; private set; }

    /// <summary>Datagrams <see cref="TrySend"/> refused (send half closed or no flow).</summary>
    public long SendRefusedCount { get; private set; }

    /// <summary>Received datagrams delivered to a flow.</summary>
    public long DeliveredCount { get; private set; }

    /// <summary>Received datagrams dropped because the flow's receive half was closed.</summary>
    public long DroppedAfterReceiveClosedCount { get; private set; }

    /// <summary>Received datagrams dropped because no flow was bound to their stream.</summary>
    public long DroppedNoFlowCount { get; private set; }

    /// <summary>Binds a datagram flow to a live stream.</summary>
    /// <returns>False when a flow is already bound to the stream (nothing changed).</returns>
    public bool Bind(QuicStreamId streamId)
    {
        if (!_flows.TryAdd(streamId.Value, new Flow { Existing = streamId.ExistingHalves(Role) }))
        {
            return false;
        }

        FlowsBound++;
        return true;
    }

    /// <summary>Whether a flow is bound to the stream.</summary>
    public bool IsBound(QuicStreamId streamId) => _flows.ContainsKey(streamId.Value);

    /// <summary>May a datagram be sent on the stream's flow now? Counts the answer.</summary>
    public DatagramSendVerdict TrySend(QuicStreamId streamId)
    {
        if (!_flows.TryGetValue(streamId.Value, out var flow))
        {
            SendRefusedCount++;
            return DatagramSendVerdict.NoFlow;
        }

        if ((flow.Existing & HalfFlags.Send) == 0 || (flow.Closed & HalfFlags.Send) != 0)
        {
            SendRefusedCount++;
            return DatagramSendVerdict.SendHalfClosed;
        }

        SentCount++;
        return DatagramSendVerdict.Allowed;
    }

    /// <summary>A datagram for the stream's flow arrived: deliver it, or drop it and count why.</summary>
    public DatagramReceiveVerdict OnDatagramReceived(QuicStreamId streamId)
    {
        if (!_flows.TryGetValue(streamId.Value, out var flow))
        {
            DroppedNoFlowCount++;
            return DatagramReceiveVerdict.DroppedNoFlow;
        }

        if ((flow.Existing & HalfFlags.Receive) == 0 || (flow.Closed & HalfFlags.Receive) != 0)
        {
            DroppedAfterReceiveClosedCount++;
            return DatagramReceiveVerdict.DroppedReceiveHalfClosed;
        }

        DeliveredCount++;
        return DatagramReceiveVerdict.Deliver;
    }

    /// <summary>
    /// A half of the stream closed: the send half when FIN was queued or RESET_STREAM sent or received STOP_SENDING; the
    /// receive half when the FIN or RESET_STREAM arrived or we sent STOP_SENDING. Closing twice changes nothing.
    /// </summary>
    /// <returns>False when no flow is bound or the stream has no such half.</returns>
    public bool OnHalfClosed(QuicStreamId streamId, StreamHalf half)
    {
        var flag = half.ToFlag();
        ref var flow = ref CollectionsMarshal.GetValueRefOrNullRef(_flows, streamId.Value);
        if (Unsafe.IsNullRef(ref flow) || (flow.Existing & flag) == 0)
        {
            return false;
        }

        flow.Closed |= flag;
        return true;
    }

    /// <summary>A half of the stream reached a terminal state (which also closes it).</summary>
    /// <returns>True exactly once per flow: when this report made every half terminal and the flow was removed.</returns>
    public bool OnHalfTerminal(QuicStreamId streamId, StreamHalf half)
    {
        var flag = half.ToFlag();
        ref var flow = ref CollectionsMarshal.GetValueRefOrNullRef(_flows, streamId.Value);
        if (Unsafe.IsNullRef(ref flow) || (flow.Existing & flag) == 0)
        {
            return false;
        }

        flow.Closed |= flag;
        flow.Terminal |= flag;
        if (flow.Terminal != flow.Existing)
        {
            return false;
        }

        _flows.Remove(streamId.Value);
        FlowsRemoved++;
        return true;
    }

    /// <summary>Removes every flow (connection closed or generation discarded).</summary>
    /// <returns>How many were removed.</returns>
    public int Clear()
    {
        var count = _flows.Count;
        _flows.Clear();
        FlowsRemoved += count;
        return count;
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{ActiveFlows} flows; sent {SentCount}, refused {SendRefusedCount}, delivered {DeliveredCount}, dropped {DroppedAfterReceiveClosedCount} after close and {DroppedNoFlowCount} without flow");

    private struct Flow
    {
        public HalfFlags Existing;
        public HalfFlags Closed;
        public HalfFlags Terminal;
    }
}
