using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Streams.Lifecycle;

public sealed class StreamCreditLedgerTests
{
    private static QuicStreamId ClientBidi(long index) => QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, index);

    private static QuicStreamId ServerBidi(long index) => QuicStreamId.Create(QuicConnectionRole.Server, StreamDirection.Bidirectional, index);

    private static QuicStreamId ClientUni(long index) => QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Unidirectional, index);

    private static QuicStreamId ServerUni(long index) => QuicStreamId.Create(QuicConnectionRole.Server, StreamDirection.Unidirectional, index);

    private static StreamCreditLedger ServerBidiLedger(long limit) => new(QuicConnectionRole.Server, StreamDirection.Bidirectional, limit);

    [Fact]
    public void A_peer_stream_takes_a_slot_and_gives_it_back_only_after_both_halves_and_the_stream_terminated()
    {
        var ledger = ServerBidiLedger(2);

        Assert.Equal(PeerStreamOpenOutcome.Accepted, ledger.OnPeerStreamOpened(ClientBidi(0)));
        Assert.Equal((1L, 1L), (ledger.InboundInUse, ledger.InboundAvailable));

        Assert.Equal(StreamReleaseDecision.Pending, ledger.OnHalfTerminal(ClientBidi(0), StreamHalf.Send));
        Assert.Equal(StreamReleaseDecision.Pending, ledger.OnStreamTerminated(ClientBidi(0)));
        Assert.Equal(1L, ledger.InboundInUse);
        Assert.Equal(StreamReleaseDecision.Release, ledger.OnHalfTerminal(ClientBidi(0), StreamHalf.Receive));

        Assert.Equal((0L, 2L, 1L, 3L), (ledger.InboundInUse, ledger.InboundAvailable, ledger.InboundReleased, ledger.InboundMaxStreams));
        Assert.False(ledger.IsTracked(ClientBidi(0)));
        ledger.AssertInvariants();
    }

    [Fact]
    public void Half_terminal_reports_before_the_stream_end_release_on_the_stream_end()
    {
        var ledger = ServerBidiLedger(1);
        ledger.OnPeerStreamOpened(ClientBidi(0));

        Assert.Equal(StreamReleaseDecision.Pending, ledger.OnHalfTerminal(ClientBidi(0), StreamHalf.Receive));
        Assert.Equal(StreamReleaseDecision.Pending, ledger.OnHalfTerminal(ClientBidi(0), StreamHalf.Send));
        Assert.True(ledger.IsHalfTerminal(ClientBidi(0), StreamHalf.Send));
        Assert.Equal(StreamReleaseDecision.Release, ledger.OnStreamTerminated(ClientBidi(0)));
        ledger.AssertInvariants();
    }

    [Fact]
    public void A_slot_is_released_exactly_once_even_when_reports_repeat()
    {
        var ledger = ServerBidiLedger(1);
        ledger.OnPeerStreamOpened(ClientBidi(0));
        ledger.OnHalfTerminal(ClientBidi(0), StreamHalf.Send);
        Assert.Equal(StreamReleaseDecision.Pending, ledger.OnHalfTerminal(ClientBidi(0), StreamHalf.Send));
        ledger.OnHalfTerminal(ClientBidi(0), StreamHalf.Receive);
        Assert.Equal(StreamReleaseDecision.Release, ledger.OnStreamTerminated(ClientBidi(0)));

        Assert.Equal(StreamReleaseDecision.UnknownStream, ledger.OnStreamTerminated(ClientBidi(0)));
        Assert.Equal(StreamReleaseDecision.UnknownStream, ledger.OnHalfTerminal(ClientBidi(0), StreamHalf.Receive));
        Assert.Equal((0L, 1L, 1L), (ledger.InboundInUse, ledger.InboundAvailable, ledger.InboundReleased));
        ledger.AssertInvariants();
    }

    [Fact]
    public void Opening_beyond_the_advertised_limit_is_a_stream_limit_error_and_changes_nothing()
    {
        var ledger = ServerBidiLedger(2);
        ledger.OnPeerStreamOpened(ClientBidi(0));
        ledger.OnPeerStreamOpened(ClientBidi(1));

        Assert.Equal(PeerStreamOpenOutcome.StreamLimitExceeded, ledger.OnPeerStreamOpened(ClientBidi(2)));
        Assert.Equal((2L, 0L, 2L), (ledger.InboundInUse, ledger.InboundAvailable, ledger.InboundOpened));

        ledger.OnHalfTerminal(ClientBidi(1), StreamHalf.Send);
        ledger.OnHalfTerminal(ClientBidi(1), StreamHalf.Receive);
        Assert.Equal(StreamReleaseDecision.Release, ledger.OnStreamTerminated(ClientBidi(1)));
        Assert.Equal(PeerStreamOpenOutcome.Accepted, ledger.OnPeerStreamOpened(ClientBidi(2)));
        Assert.Equal(PeerStreamOpenOutcome.StreamLimitExceeded, ledger.OnPeerStreamOpened(ClientBidi(3)));
        ledger.AssertInvariants();
    }

    [Fact]
    public void A_zero_limit_refuses_the_first_peer_stream()
    {
        var ledger = ServerBidiLedger(0);
        Assert.Equal(PeerStreamOpenOutcome.StreamLimitExceeded, ledger.OnPeerStreamOpened(ClientBidi(0)));
        ledger.AssertInvariants();
    }

    [Fact]
    public void Duplicate_and_out_of_order_peer_streams_change_nothing()
    {
        var ledger = ServerBidiLedger(10);
        ledger.OnPeerStreamOpened(ClientBidi(0));

        Assert.Equal(PeerStreamOpenOutcome.AlreadyOpened, ledger.OnPeerStreamOpened(ClientBidi(0)));
        Assert.Equal(PeerStreamOpenOutcome.OutOfOrder, ledger.OnPeerStreamOpened(ClientBidi(2)));
        Assert.Equal((1L, 1L), (ledger.InboundInUse, ledger.InboundOpened));
        ledger.AssertInvariants();
    }

    [Fact]
    public void A_peer_unidirectional_stream_has_only_a_receive_half()
    {
        var ledger = new StreamCreditLedger(QuicConnectionRole.Server, StreamDirection.Unidirectional, 3);
        ledger.OnPeerStreamOpened(ClientUni(0));

        Assert.Equal(StreamReleaseDecision.NoSuchHalf, ledger.OnHalfTerminal(ClientUni(0), StreamHalf.Send));
        Assert.Equal(StreamReleaseDecision.Pending, ledger.OnHalfTerminal(ClientUni(0), StreamHalf.Receive));
        Assert.Equal(StreamReleaseDecision.Release, ledger.OnStreamTerminated(ClientUni(0)));
        Assert.Equal(3L, ledger.InboundAvailable);
    }

    [Fact]
    public void The_wrong_initiator_or_direction_is_a_host_error_naming_the_stream()
    {
        var ledger = ServerBidiLedger(3);

        var ours = Assert.Throws<ArgumentException>(() => ledger.OnPeerStreamOpened(ServerBidi(0)));
        Assert.Contains("Stream 1 was opened by this endpoint (Server)", ours.Message, StringComparison.Ordinal);
        var uni = Assert.Throws<ArgumentException>(() => ledger.OnPeerStreamOpened(ClientUni(0)));
        Assert.Contains("Stream 2 is Unidirectional", uni.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ledger.OnLocalStreamOpened(ClientBidi(0)));
    }

    [Fact]
    public void Invalid_limits_are_refused_with_the_value()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new StreamCreditLedger(QuicConnectionRole.Client, StreamDirection.Bidirectional, -1));
        Assert.Equal("inboundLimit", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamCreditLedger(QuicConnectionRole.Client, StreamDirection.Bidirectional, 1, (1L << 60) + 1));
        var ledger = ServerBidiLedger(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.OnCreditGranted(-5, []));
    }

    [Fact]
    public void Opens_proceed_at_once_while_credit_lasts_then_wait_in_order_for_max_streams()
    {
        var ledger = new StreamCreditLedger(QuicConnectionRole.Client, StreamDirection.Bidirectional, 0, outboundMaxStreams: 1);
        var far = TimeSpan.FromSeconds(10);

        Assert.Equal(OutboundOpenOutcome.Proceed, ledger.TryEnqueueOpen(1, far));
        Assert.Equal(OutboundOpenOutcome.Queued, ledger.TryEnqueueOpen(2, far));
        Assert.Equal(OutboundOpenOutcome.Queued, ledger.TryEnqueueOpen(3, far));
        Assert.Equal(OutboundOpenOutcome.Queued, ledger.TryEnqueueOpen(4, far));

        var proceeding = new List<long>();
        Assert.Equal(0, ledger.OnCreditGranted(1, proceeding)); // not an increase: ignored (RFC 9000 §4.6)
        Assert.Equal(2, ledger.OnCreditGranted(3, proceeding));
        Assert.Equal([2L, 3L], proceeding);
        Assert.Equal((3L, 0L, 1), (ledger.OutboundOpened, ledger.OutboundAvailable, ledger.WaitingOpenCount));
        ledger.AssertInvariants();

        proceeding.Clear();
        Assert.Equal(1, ledger.OnCreditGranted(10, proceeding));
        Assert.Equal([4L], proceeding);
        Assert.Equal(6L, ledger.OutboundAvailable);
        Assert.Equal(OutboundOpenOutcome.Proceed, ledger.TryEnqueueOpen(5, far));
        ledger.AssertInvariants();
    }

    [Fact]
    public void Waiting_opens_expire_at_their_deadline_in_queue_order_and_the_rest_keep_their_place()
    {
        var ledger = new StreamCreditLedger(QuicConnectionRole.Client, StreamDirection.Bidirectional, 0);
        ledger.TryEnqueueOpen(1, TimeSpan.FromSeconds(5));
        ledger.TryEnqueueOpen(2, TimeSpan.FromSeconds(2));
        ledger.TryEnqueueOpen(3, TimeSpan.FromSeconds(9));
        ledger.TryEnqueueOpen(4, TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(2), ledger.NextWaiterDeadline);

        var expired = new List<long>();
        Assert.Equal(0, ledger.ExpireWaiters(TimeSpan.FromSeconds(1.999), expired));
        Assert.Equal(2, ledger.ExpireWaiters(TimeSpan.FromSeconds(2), expired));
        Assert.Equal([2L, 4L], expired);
        Assert.Equal(TimeSpan.FromSeconds(5), ledger.NextWaiterDeadline);

        var proceeding = new List<long>();
        ledger.OnCreditGranted(1, proceeding);
        Assert.Equal([1L], proceeding);
        Assert.Equal(1, ledger.WaitingOpenCount);
        ledger.AssertInvariants();
    }

    [Fact]
    public void A_cancelled_open_leaves_the_queue_and_never_proceeds()
    {
        var ledger = new StreamCreditLedger(QuicConnectionRole.Client, StreamDirection.Bidirectional, 0);
        ledger.TryEnqueueOpen(1, TimeSpan.MaxValue);
        ledger.TryEnqueueOpen(2, TimeSpan.MaxValue);

        Assert.True(ledger.TryCancelOpen(1));
        Assert.False(ledger.TryCancelOpen(1));
        var proceeding = new List<long>();
        ledger.OnCreditGranted(5, proceeding);
        Assert.Equal([2L], proceeding);
        Assert.Null(ledger.NextWaiterDeadline);
    }

    [Fact]
    public void The_waiting_queue_is_bounded_and_drains_in_order()
    {
        var ledger = new StreamCreditLedger(QuicConnectionRole.Client, StreamDirection.Unidirectional, 0, 0, maxWaitingOpens: 2);
        Assert.Equal(OutboundOpenOutcome.Queued, ledger.TryEnqueueOpen(1, TimeSpan.MaxValue));
        Assert.Equal(OutboundOpenOutcome.Queued, ledger.TryEnqueueOpen(2, TimeSpan.MaxValue));
        Assert.Equal(OutboundOpenOutcome.QueueFull, ledger.TryEnqueueOpen(3, TimeSpan.MaxValue));

        var drained = new List<long>();
        Assert.Equal(2, ledger.DrainWaiters(drained));
        Assert.Equal([1L, 2L], drained);
        Assert.Equal(0, ledger.WaitingOpenCount);
    }

    [Fact]
    public void The_waiting_queue_keeps_fifo_order_across_growth_and_tombstones()
    {
        var ledger = new StreamCreditLedger(QuicConnectionRole.Client, StreamDirection.Bidirectional, 0);
        var expected = new List<long>();
        for (var i = 0; i < 100; i++)
        {
            ledger.TryEnqueueOpen(i, TimeSpan.MaxValue);
            if (i % 3 == 0)
            {
                Assert.True(ledger.TryCancelOpen(i));
            }
            else
            {
                expected.Add(i);
            }
        }

        var proceeding = new List<long>();
        ledger.OnCreditGranted(1000, proceeding);
        Assert.Equal(expected, proceeding);
    }

    [Fact]
    public void Our_own_streams_are_tracked_only_after_their_credit_was_reserved_and_need_every_half_they_have()
    {
        var ledger = new StreamCreditLedger(QuicConnectionRole.Server, StreamDirection.Unidirectional, 0, outboundMaxStreams: 1);
        Assert.Equal(LocalStreamOpenOutcome.NotReserved, ledger.OnLocalStreamOpened(ServerUni(0)));

        ledger.TryEnqueueOpen(1, TimeSpan.MaxValue);
        Assert.Equal(LocalStreamOpenOutcome.Tracked, ledger.OnLocalStreamOpened(ServerUni(0)));
        Assert.Equal(LocalStreamOpenOutcome.AlreadyTracked, ledger.OnLocalStreamOpened(ServerUni(0)));
        Assert.Equal(StreamReleaseDecision.NoSuchHalf, ledger.OnHalfTerminal(ServerUni(0), StreamHalf.Receive));
        Assert.Equal(StreamReleaseDecision.Pending, ledger.OnStreamTerminated(ServerUni(0)));
        Assert.Equal(StreamReleaseDecision.Release, ledger.OnHalfTerminal(ServerUni(0), StreamHalf.Send));

        Assert.Equal((0L, 0L, 1L), (ledger.InboundInUse, ledger.InboundReleased, ledger.LocalReleased));
        ledger.AssertInvariants();
    }

    [Fact]
    public void Check_invariants_reports_nothing_for_a_busy_but_consistent_ledger()
    {
        var ledger = new StreamCreditLedger(QuicConnectionRole.Client, StreamDirection.Bidirectional, 100, 0);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(PeerStreamOpenOutcome.Accepted, ledger.OnPeerStreamOpened(ServerBidi(i)));
        }

        Assert.Empty(ledger.CheckInvariants());
        Assert.Equal(100, ledger.LiveStreamCount);
    }
}
