using FsCheck;
using FsCheck.Fluent;
using QuicActors.Streams;

namespace QuicActors.Actors.Tests.Streams.Lifecycle;

public sealed class LingerPolicyTests
{
    private static readonly LingerPolicy Policy = new()
    {
        ReceiveDrainMaxBytes = 1000,
        ReceiveDrainMaxTime = TimeSpan.FromMilliseconds(200),
        FinAckTimeout = TimeSpan.FromSeconds(2),
        StopSendingErrorCode = 7,
        ResetErrorCode = 9,
    };

    private static LingerObservation Released(SendHalfProgress send, ReceiveHalfProgress receive, double sinceReleaseMs = 0, long drained = 0, double sinceFinMs = 0) =>
        new(send, receive, true, TimeSpan.FromMilliseconds(sinceReleaseMs), drained, TimeSpan.FromMilliseconds(sinceFinMs));

    [Fact]
    public void Nothing_happens_while_the_application_holds_the_stream()
    {
        var held = new LingerObservation(SendHalfProgress.Open, ReceiveHalfProgress.Open, false, TimeSpan.FromHours(1), 1_000_000, TimeSpan.FromHours(1));
        Assert.Equal(LingerDecision.Nothing, Policy.Decide(held));
    }

    [Fact]
    public void Releasing_a_stream_with_both_halves_open_sends_fin_and_drains()
    {
        var decision = Policy.Decide(Released(SendHalfProgress.Open, ReceiveHalfProgress.Open));

        Assert.Equal(LingerActions.SendFin | LingerActions.Drain, decision.Actions);
        Assert.True(decision.Has(LingerActions.Drain));
        Assert.False(decision.Has(LingerActions.SendReset));
        Assert.Equal(TimeSpan.FromMilliseconds(200), decision.RecheckAfter);
    }

    [Fact]
    public void Draining_stops_with_stop_sending_at_the_byte_bound()
    {
        Assert.Equal(LingerActions.Drain, Policy.Decide(Released(SendHalfProgress.Terminal, ReceiveHalfProgress.Open, 10, 999)).Actions);
        var decision = Policy.Decide(Released(SendHalfProgress.Terminal, ReceiveHalfProgress.Open, 10, 1000));

        Assert.Equal(LingerActions.SendStopSending, decision.Actions);
        Assert.Equal(7, decision.StopSendingErrorCode);
        Assert.Null(decision.RecheckAfter);
    }

    [Fact]
    public void Draining_stops_with_stop_sending_at_the_time_bound()
    {
        var early = Policy.Decide(Released(SendHalfProgress.Absent, ReceiveHalfProgress.Open, 150, 0));
        Assert.Equal(LingerActions.Drain, early.Actions);
        Assert.Equal(TimeSpan.FromMilliseconds(50), early.RecheckAfter);

        Assert.Equal(LingerActions.SendStopSending, Policy.Decide(Released(SendHalfProgress.Absent, ReceiveHalfProgress.Open, 200, 0)).Actions);
    }

    [Fact]
    public void A_zero_byte_bound_stops_sending_at_once()
    {
        var policy = Policy with { ReceiveDrainMaxBytes = 0 };
        Assert.Equal(LingerActions.SendStopSending, policy.Decide(Released(SendHalfProgress.Absent, ReceiveHalfProgress.Open)).Actions);
    }

    [Fact]
    public void An_unacknowledged_fin_turns_into_a_reset_after_the_timeout()
    {
        var waiting = Policy.Decide(Released(SendHalfProgress.FinSent, ReceiveHalfProgress.Terminal, sinceFinMs: 1500));
        Assert.Equal(LingerActions.None, waiting.Actions);
        Assert.Equal(TimeSpan.FromMilliseconds(500), waiting.RecheckAfter);

        var reset = Policy.Decide(Released(SendHalfProgress.FinSent, ReceiveHalfProgress.Terminal, sinceFinMs: 2000));
        Assert.Equal(LingerActions.SendReset, reset.Actions);
        Assert.Equal(9, reset.ResetErrorCode);
    }

    [Theory]
    [InlineData(SendHalfProgress.ResetSent, ReceiveHalfProgress.StopSendingSent)]
    [InlineData(SendHalfProgress.Terminal, ReceiveHalfProgress.Terminal)]
    [InlineData(SendHalfProgress.Absent, ReceiveHalfProgress.Terminal)]
    [InlineData(SendHalfProgress.Terminal, ReceiveHalfProgress.Absent)]
    public void Halves_already_finishing_need_nothing(SendHalfProgress send, ReceiveHalfProgress receive)
    {
        Assert.Equal(LingerDecision.Nothing, Policy.Decide(Released(send, receive, 1e6, long.MaxValue, 1e6)));
    }

    [Fact]
    public void Invalid_settings_are_refused_naming_the_setting()
    {
        Assert.Equal("ReceiveDrainMaxBytes", Assert.Throws<ArgumentOutOfRangeException>(() => new LingerPolicy { ReceiveDrainMaxBytes = -1 }).ParamName);
        Assert.Equal("ReceiveDrainMaxTime", Assert.Throws<ArgumentOutOfRangeException>(() => new LingerPolicy { ReceiveDrainMaxTime = TimeSpan.FromTicks(-1) }).ParamName);
        Assert.Equal("FinAckTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => Policy with { FinAckTimeout = TimeSpan.FromTicks(-1) }).ParamName);
        Assert.Equal("ResetErrorCode", Assert.Throws<ArgumentOutOfRangeException>(() => new LingerPolicy { ResetErrorCode = 1L << 62 }).ParamName);
        Assert.Equal("StopSendingErrorCode", Assert.Throws<ArgumentOutOfRangeException>(() => new LingerPolicy { StopSendingErrorCode = -1 }).ParamName);
    }

    private static readonly Gen<LingerObservation> ObservationGen =
        from send in Gen.Elements(Enum.GetValues<SendHalfProgress>())
        from receive in Gen.Elements(Enum.GetValues<ReceiveHalfProgress>())
        from released in Gen.Elements(true, false)
        from sinceRelease in Gen.Choose(0, 5000)
        from drained in Gen.Choose(0, 5000)
        from sinceFin in Gen.Choose(0, 5000)
        select new LingerObservation(send, receive, released, TimeSpan.FromMilliseconds(sinceRelease), drained, TimeSpan.FromMilliseconds(sinceFin));

    [Fact]
    public void Raw_mode_never_acts()
    {
        var raw = Policy with { Mode = LingerMode.Raw };
        Prop.ForAll(ObservationGen.ToArbitrary(), observation => raw.Decide(observation) == LingerDecision.Nothing)
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Every_action_concerns_a_half_in_the_state_it_applies_to_and_a_released_stream()
    {
        Prop.ForAll(ObservationGen.ToArbitrary(), o =>
        {
            var d = Policy.Decide(o);
            var receiveActions = d.Actions & (LingerActions.Drain | LingerActions.SendStopSending);
            var sendActions = d.Actions & (LingerActions.SendFin | LingerActions.SendReset);

            Assert.True(o.ApplicationReleased || d.Actions == LingerActions.None);
            Assert.True(receiveActions is LingerActions.None or LingerActions.Drain or LingerActions.SendStopSending);
            Assert.True(sendActions is LingerActions.None or LingerActions.SendFin or LingerActions.SendReset);

            // Invariant 4 from the policy's side: a released stream with an open half always gets an action for it.
            Assert.Equal(o.ApplicationReleased && o.Receive == ReceiveHalfProgress.Open, receiveActions != LingerActions.None);
            Assert.Equal(o.ApplicationReleased && o.Send == SendHalfProgress.Open, sendActions == LingerActions.SendFin);
            Assert.Equal(o.ApplicationReleased && o.Send == SendHalfProgress.FinSent && o.SinceFinSent >= Policy.FinAckTimeout, sendActions == LingerActions.SendReset);
            Assert.True(d.RecheckAfter is null || d.RecheckAfter > TimeSpan.Zero);
        }).QuickCheckThrowOnFailure();
    }
}
