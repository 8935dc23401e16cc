namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class DeadLetterSuppressionTests(ITestOutputHelper output) : TestKit(output)
{
    /// <summary>Lost on purpose: marked as an expected dead letter.</summary>
    private sealed record ExpectedLoss(int Id) : IDeadLetterSuppression;

    [Fact]
    public void A_suppressed_dead_letter_is_published_but_not_logged_while_a_plain_one_is_logged()
    {
        var gone = ActorOf(Props.Create<EchoActor>());
        Watch(gone);
        Sys.Stop(gone);
        ExpectTerminated(gone);
        Sys.EventStream.Subscribe<DeadLetter>(TestActor);

        EventFilter.Info("dead letter").Expect(0, () => gone.Tell(new ExpectedLoss(1)));
        var suppressed = ExpectMsg<DeadLetter>();
        Assert.Equal(new ExpectedLoss(1), suppressed.Message);
        Assert.Same(gone, suppressed.Recipient);

        EventFilter.Info("dead letter").ExpectOne(() => gone.Tell("plain"));
        Assert.Equal("plain", ExpectMsg<DeadLetter>().Message);
    }
}
