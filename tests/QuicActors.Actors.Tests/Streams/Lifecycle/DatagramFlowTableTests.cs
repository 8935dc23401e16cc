using FsCheck;
using FsCheck.Fluent;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Streams.Lifecycle;

public sealed class DatagramFlowTableTests
{
    private static readonly QuicStreamId Bidi0 = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, 0);

    [Fact]
    public void An_open_flow_sends_and_delivers()
    {
        var table = new DatagramFlowTable(QuicConnectionRole.Client);
        Assert.True(table.Bind(Bidi0));
        Assert.False(table.Bind(Bidi0));

        Assert.Equal(DatagramSendVerdict.Allowed, table.TrySend(Bidi0));
        Assert.Equal(DatagramReceiveVerdict.Deliver, table.OnDatagramReceived(Bidi0));
        Assert.Equal((1L, 1L, 1), (table.SentCount, table.DeliveredCount, table.ActiveFlows));
    }

    [Fact]
    public void Sending_is_refused_once_the_send_half_is_closed_by_a_peer_stop_sending()
    {
        var table = new DatagramFlowTable(QuicConnectionRole.Client);
        table.Bind(Bidi0);

        Assert.True(table.OnHalfClosed(Bidi0, StreamHalf.Send));
        Assert.Equal(DatagramSendVerdict.SendHalfClosed, table.TrySend(Bidi0));
        Assert.Equal(DatagramReceiveVerdict.Deliver, table.OnDatagramReceived(Bidi0));
        Assert.Equal(1L, table.SendRefusedCount);
    }

    [Fact]
    public void Datagrams_received_after_the_receive_half_closed_are_dropped_and_counted()
    {
        var table = new DatagramFlowTable(QuicConnectionRole.Server);
        table.Bind(Bidi0);
        table.OnHalfClosed(Bidi0, StreamHalf.Receive);

        Assert.Equal(DatagramReceiveVerdict.DroppedReceiveHalfClosed, table.OnDatagramReceived(Bidi0));
        Assert.Equal(DatagramReceiveVerdict.DroppedReceiveHalfClosed, table.OnDatagramReceived(Bidi0));
        Assert.Equal(DatagramSendVerdict.Allowed, table.TrySend(Bidi0));
        Assert.Equal(2L, table.DroppedAfterReceiveClosedCount);
    }

    [Theory]
    [InlineData(StreamHalf.Send, StreamHalf.Receive)]
    [InlineData(StreamHalf.Receive, StreamHalf.Send)]
    public void Both_halves_terminal_in_either_order_remove_the_flow_exactly_once(StreamHalf first, StreamHalf second)
    {
        var table = new DatagramFlowTable(QuicConnectionRole.Client);
        table.Bind(Bidi0);

        Assert.False(table.OnHalfTerminal(Bidi0, first));
        Assert.False(table.OnHalfTerminal(Bidi0, first));
        Assert.True(table.OnHalfTerminal(Bidi0, second));
        Assert.False(table.OnHalfTerminal(Bidi0, second));

        Assert.Equal((0, 1L), (table.ActiveFlows, table.FlowsRemoved));
        Assert.Equal(DatagramSendVerdict.NoFlow, table.TrySend(Bidi0));
        Assert.Equal(DatagramReceiveVerdict.DroppedNoFlow, table.OnDatagramReceived(Bidi0));
        Assert.Equal(1L, table.DroppedNoFlowCount);
    }

    [Fact]
    public void A_unidirectional_flow_has_only_the_halves_its_stream_has()
    {
        var ours = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Unidirectional, 0);
        var table = new DatagramFlowTable(QuicConnectionRole.Client);
        table.Bind(ours);

        Assert.Equal(DatagramReceiveVerdict.DroppedReceiveHalfClosed, table.OnDatagramReceived(ours));
        Assert.False(table.OnHalfClosed(ours, StreamHalf.Receive));
        Assert.True(table.OnHalfTerminal(ours, StreamHalf.Send));
        Assert.Equal(0, table.ActiveFlows);
    }

    [Fact]
    public void Clear_removes_every_flow()
    {
        var table = new DatagramFlowTable(QuicConnectionRole.Client);
        for (var i = 0; i < 5; i++)
        {
            table.Bind(QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, i));
        }

        Assert.Equal(5, table.Clear());
        Assert.Equal((0, 5L, 5L), (table.ActiveFlows, table.FlowsBound, table.FlowsRemoved));
    }

    internal readonly record struct FlowOp(int Kind, int Stream, bool Send);

    /// <summary>Random binds, closes, terminal reports, sends and receives on a few streams: the verdicts follow the RFC 9297 rule and every flow is removed once.</summary>
    [Fact]
    public void Random_events_keep_the_http_datagram_rule_and_remove_each_flow_once()
    {
        var opGen = Gen.Sized(size => Gen.ArrayOf(
            from kind in Gen.Choose(0, 4)
            from stream in Gen.Choose(0, 5)
            from send in Gen.Elements(true, false)
            select new FlowOp(kind, stream, send),
            size * 3));

        Prop.ForAll(opGen.ToArbitrary(), ops =>
        {
            var table = new DatagramFlowTable(QuicConnectionRole.Client);
            var model = new Dictionary<long, (bool SendClosed, bool ReceiveClosed, bool SendTerminal, bool ReceiveTerminal)>();
            var removed = new HashSet<long>();

            foreach (var op in ops)
            {
                var id = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, op.Stream);
                var half = op.Send ? StreamHalf.Send : StreamHalf.Receive;
                var live = model.TryGetValue(id.Value, out var flow);
                switch (op.Kind)
                {
                    case 0:
                        // A stream ID is never reused, so a removed flow is never bound again.
                        if (!removed.Contains(id.Value))
                        {
                            Assert.Equal(!live, table.Bind(id));
                            model.TryAdd(id.Value, default);
                        }

                        break;
                    case 1:
                        Assert.Equal(live, table.OnHalfClosed(id, half));
                        if (live)
                        {
                            model[id.Value] = op.Send ? flow with { SendClosed = true } : flow with { ReceiveClosed = true };
                        }

                        break;
                    case 2:
                        var wasRemoved = table.OnHalfTerminal(id, half);
                        if (!live)
                        {
                            Assert.False(wasRemoved);
                            break;
                        }

                        flow = op.Send ? flow with { SendClosed = true, SendTerminal = true } : flow with { ReceiveClosed = true, ReceiveTerminal = true };
                        var done = flow.SendTerminal && flow.ReceiveTerminal;
                        Assert.Equal(done, wasRemoved);
                        if (done)
                        {
                            Assert.True(removed.Add(id.Value));
                            model.Remove(id.Value);
                        }
                        else
                        {
                            model[id.Value] = flow;
                        }

                        break;
                    case 3:
                        Assert.Equal(!live ? DatagramSendVerdict.NoFlow : flow.SendClosed ? DatagramSendVerdict.SendHalfClosed : DatagramSendVerdict.Allowed, table.TrySend(id));
                        break;
                    default:
                        Assert.Equal(!live ? DatagramReceiveVerdict.DroppedNoFlow : flow.ReceiveClosed ? DatagramReceiveVerdict.DroppedReceiveHalfClosed : DatagramReceiveVerdict.Deliver, table.OnDatagramReceived(id));
                        break;
                }

                Assert.Equal(model.Count, table.ActiveFlows);
                Assert.Equal(removed.Count, table.FlowsRemoved);
            }
        }).QuickCheckThrowOnFailure();
    }
}
