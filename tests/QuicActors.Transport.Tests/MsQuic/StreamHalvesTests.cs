using QuicActors.Transport.MsQuic.Internal;

namespace QuicActors.Transport.Tests.MsQuic;

public sealed class StreamHalvesTests
{
    private static readonly QuicStreamId ClientBidi = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, 0);
    private static readonly QuicStreamId ClientUni = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Unidirectional, 0);

    [Fact]
    public void Halves_exist_as_RFC_9000_section_2_1_says()
    {
        Assert.Equal(SendHalfState.Open, new StreamHalves(ClientBidi, QuicConnectionRole.Server).Send);
        Assert.Equal(ReceiveHalfState.Receiving, new StreamHalves(ClientBidi, QuicConnectionRole.Server).Receive);
        Assert.Equal(SendHalfState.Absent, new StreamHalves(ClientUni, QuicConnectionRole.Server).Send);
        Assert.Equal(ReceiveHalfState.Receiving, new StreamHalves(ClientUni, QuicConnectionRole.Server).Receive);
        Assert.Equal(SendHalfState.Open, new StreamHalves(ClientUni, QuicConnectionRole.Client).Send);
        Assert.Equal(ReceiveHalfState.Absent, new StreamHalves(ClientUni, QuicConnectionRole.Client).Receive);
        Assert.True(new StreamHalves(ClientUni, QuicConnectionRole.Client).IsReceiveFinished);
    }

    [Fact]
    public void Writing_after_fin_is_a_closed_direction()
    {
        var halves = new StreamHalves(ClientBidi, QuicConnectionRole.Client);
        Assert.Null(halves.CheckWrite());
        halves.OnWrite(fin: false);
        Assert.Null(halves.CheckWrite());
        halves.OnWrite(fin: true);
        var ex = halves.CheckWrite();
        Assert.Equal(QuicTransportError.StreamDirectionClosed, ex!.Error);
        Assert.Equal(ClientBidi, ex.StreamId);
        Assert.False(halves.IsSendFinished);
    }

    [Fact]
    public void Writing_without_a_send_half_is_a_closed_direction()
    {
        var ex = new StreamHalves(ClientUni, QuicConnectionRole.Server).CheckWrite();
        Assert.Equal(QuicTransportError.StreamDirectionClosed, ex!.Error);
        Assert.Contains("no send half", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reset_is_allowed_before_and_after_fin_and_is_idempotent()
    {
        var halves = new StreamHalves(ClientBidi, QuicConnectionRole.Client);
        halves.OnWrite(fin: true);
        Assert.True(halves.TryReset(5));
        Assert.False(halves.TryReset(6));
        Assert.Equal(5, halves.SendAbortCode);
        Assert.True(halves.IsSendFinished);
        var ex = halves.CheckWrite();
        Assert.Equal(QuicTransportError.StreamAborted, ex!.Error);
        Assert.Equal(5, ex.ApplicationErrorCode);
    }

    [Fact]
    public void A_reset_after_the_fin_was_acknowledged_does_nothing()
    {
        var halves = new StreamHalves(ClientBidi, QuicConnectionRole.Client);
        Assert.False(halves.OnFinAcknowledged());
        halves.OnWrite(fin: true);
        Assert.True(halves.OnFinAcknowledged());
        Assert.False(halves.OnFinAcknowledged());
        Assert.False(halves.TryReset(1));
        Assert.False(halves.OnPeerStopSending(1));
        Assert.Equal(SendHalfState.FinAcknowledged, halves.Send);
    }

    [Fact]
    public void Peer_stop_sending_ends_the_send_half_and_later_writes_fail_with_its_code()
    {
        var halves = new StreamHalves(ClientBidi, QuicConnectionRole.Client);
        Assert.True(halves.OnPeerStopSending(77));
        Assert.False(halves.OnPeerStopSending(78));
        Assert.False(halves.TryReset(1));
        var ex = halves.CheckWrite();
        Assert.Equal(QuicTransportError.StreamAborted, ex!.Error);
        Assert.Equal(77, ex.ApplicationErrorCode);
        Assert.Contains("STOP_SENDING", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_local_reset_wins_over_a_later_stop_sending()
    {
        var halves = new StreamHalves(ClientBidi, QuicConnectionRole.Client);
        Assert.True(halves.TryReset(3));
        Assert.False(halves.OnPeerStopSending(9));
        Assert.Equal(3, halves.SendAbortCode);
    }

    [Fact]
    public void Receive_half_ends_once_by_fin_reset_or_stop_sending()
    {
        var fin = new StreamHalves(ClientBidi, QuicConnectionRole.Server);
        Assert.True(fin.CanDeliver);
        Assert.True(fin.OnFinDelivered());
        Assert.False(fin.CanDeliver);
        Assert.False(fin.TryStopSending(1));
        Assert.False(fin.OnPeerReset(1));

        var reset = new StreamHalves(ClientBidi, QuicConnectionRole.Server);
        Assert.True(reset.OnPeerReset(4));
        Assert.Equal(4, reset.ReceiveAbortCode);
        Assert.False(reset.OnFinDelivered());
        Assert.False(reset.TryStopSending(1));

        var stop = new StreamHalves(ClientBidi, QuicConnectionRole.Server);
        Assert.True(stop.TryStopSending(8));
        Assert.False(stop.TryStopSending(8));
        Assert.False(stop.CanDeliver);
        Assert.False(stop.OnPeerReset(8));
        Assert.True(stop.IsReceiveFinished);
    }

    [Fact]
    public void Aborting_a_half_that_does_not_exist_is_a_closed_direction()
    {
        Assert.Equal(QuicTransportError.StreamDirectionClosed, new StreamHalves(ClientUni, QuicConnectionRole.Server).CheckHalfExists(send: true)!.Error);
        Assert.Equal(QuicTransportError.StreamDirectionClosed, new StreamHalves(ClientUni, QuicConnectionRole.Client).CheckHalfExists(send: false)!.Error);
        Assert.Null(new StreamHalves(ClientBidi, QuicConnectionRole.Client).CheckHalfExists(send: true));
        Assert.Null(new StreamHalves(ClientBidi, QuicConnectionRole.Client).CheckHalfExists(send: false));
    }
}
