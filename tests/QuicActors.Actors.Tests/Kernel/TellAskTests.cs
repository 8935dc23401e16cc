namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class TellAskTests(ITestOutputHelper output) : TestKit(output, useVirtualTime: true)
{
    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef target) => ReceiveAny(m => target.Forward(m));
    }

    private sealed class Replier : ReceiveActor
    {
        public Replier()
        {
            Receive<string>(s => s == "fail", _ => Sender.Tell(new Status.Failure(new InvalidOperationException("refused"))));
            Receive<string>(s => s == "silent", _ => { });
            Receive<string>(s => Sender.Tell(s.ToUpperInvariant()));
            Receive<int>(i => Sender.Tell(i + 1));
        }
    }

    [Fact]
    public void Tell_from_the_test_has_the_test_actor_as_sender()
    {
        var echo = ActorOf(Props.Create<EchoActor>());
        echo.Tell("ping");
        ExpectMsg("ping");
        Assert.Same(echo, LastSender);
    }

    [Fact]
    public void Tell_with_no_sender_makes_replies_dead_letters()
    {
        Sys.EventStream.Subscribe<DeadLetter>(TestActor);
        var echo = ActorOf(Props.Create<EchoActor>());
        echo.Tell("lost", ActorRefs.NoSender);
        var dead = ExpectMsg<DeadLetter>();
        Assert.Equal("lost", dead.Message);
        Assert.Same(Sys.DeadLetters, dead.Recipient);
    }

    [Fact]
    public void Forward_keeps_the_original_sender()
    {
        var echo = ActorOf(Props.Create<EchoActor>());
        var forwarder = ActorOf(Props.Create(() => new Forwarder(echo)));
        forwarder.Tell("via");
        ExpectMsg("via");
        Assert.Same(echo, LastSender);
    }

    [Fact]
    public async Task Ask_completes_with_the_reply()
    {
        var replier = ActorOf(Props.Create<Replier>());
        Assert.Equal("HELLO", await replier.Ask<string>("hello"));
        Assert.Equal(42, await replier.Ask<int>(41));
    }

    [Fact]
    public async Task Ask_is_faulted_by_a_status_failure_reply()
    {
        var replier = ActorOf(Props.Create<Replier>());
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => replier.Ask<string>("fail"));
        Assert.Equal("refused", e.Message);
    }

    [Fact]
    public async Task Ask_times_out_on_the_system_clock_with_a_clear_exception()
    {
        var replier = ActorOf(Props.Create<Replier>(), "quiet");
        var ask = replier.Ask<string>("silent", TimeSpan.FromSeconds(3));
        Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(50);
        Assert.False(ask.IsCompleted);
        Advance(TimeSpan.FromSeconds(1));
        var e = await Assert.ThrowsAsync<AskTimeoutException>(() => ask);
        Assert.Contains("/user/quiet", e.Message, StringComparison.Ordinal);
        Assert.Contains("System.String", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_with_a_reply_of_the_wrong_type_fails_with_invalid_cast()
    {
        var replier = ActorOf(Props.Create<Replier>());
        await Assert.ThrowsAsync<InvalidCastException>(() => replier.Ask<int>("text"));
    }

    [Fact]
    public async Task Ask_can_be_cancelled()
    {
        var replier = ActorOf(Props.Create<Replier>());
        using var cts = new CancellationTokenSource();
        var ask = replier.Ask<string>("silent", TimeSpan.FromMinutes(1), cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
    }

    [Fact]
    public void Tell_of_a_null_message_is_rejected()
    {
        var echo = ActorOf(Props.Create<EchoActor>());
        Assert.Throws<ArgumentNullException>(() => echo.Tell(null!, null));
    }

    [Fact]
    public void Nobody_swallows_messages()
    {
        ActorRefs.Nobody.Tell("nothing");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
