namespace QuicActors.TestKit.Tests;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;
using Xunit.Sdk;

public sealed class ExpectationTests(ITestOutputHelper output) : TestKit(output)
{
    [Fact]
    public void ExpectMsg_by_type_value_and_predicate()
    {
        TestActor.Tell("text");
        Assert.Equal("text", ExpectMsg<string>());
        TestActor.Tell(42);
        ExpectMsg(42);
        TestActor.Tell(43);
        Assert.Equal(43, ExpectMsg<int>(i => i > 42));
    }

    [Fact]
    public void ExpectMsg_fails_on_timeout_wrong_type_wrong_value_and_unmatched_predicate()
    {
        var timeout = Assert.Throws<XunitException>(() => ExpectMsg<string>(TimeSpan.FromMilliseconds(50)));
        Assert.Contains("Timeout", timeout.Message, StringComparison.Ordinal);
        TestActor.Tell(1);
        Assert.Throws<XunitException>(() => ExpectMsg<string>());
        TestActor.Tell(1);
        Assert.Throws<XunitException>(() => ExpectMsg(2));
        TestActor.Tell(1);
        Assert.Throws<XunitException>(() => ExpectMsg<int>(i => i > 5));
    }

    [Fact]
    public void ExpectNoMsg_passes_when_quiet_and_fails_when_a_message_arrives()
    {
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        TestActor.Tell("noise");
        Assert.Throws<XunitException>(() => ExpectNoMsg(TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public void The_test_actor_is_the_implicit_sender_and_Reply_answers_the_last_sender()
    {
        var echo = ActorOf(Props.Create<Echo>());
        echo.Tell("hi");
        ExpectMsg("hi");
        Assert.Same(echo, LastSender);
        Reply("back");
        ExpectMsg("back");
    }

    [Fact]
    public void Forward_keeps_the_original_sender()
    {
        var probe = CreateTestProbe();
        var echo = ActorOf(Props.Create<Echo>());
        probe.Send(TestActor, "relay me");
        ExpectMsg("relay me");
        Forward(echo);
        probe.ExpectMsg("relay me");
        Assert.Same(echo, probe.LastSender);
    }

    [Fact]
    public void ReceiveN_returns_messages_in_order_and_fails_when_too_few_arrive()
    {
        for (var i = 0; i < 5; i++) TestActor.Tell(i);
        Assert.Equal([0, 1, 2, 3, 4], ReceiveN(5).Cast<int>());
        TestActor.Tell("only one");
        var e = Assert.Throws<XunitException>(() => ReceiveN(2, TimeSpan.FromMilliseconds(100)));
        Assert.Contains("only 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FishForMessage_skips_until_a_match_and_fails_without_one()
    {
        TestActor.Tell("a");
        TestActor.Tell(1);
        TestActor.Tell("b");
        Assert.Equal("b", FishForMessage<string>(s => s == "b"));
        TestActor.Tell("c");
        Assert.Throws<XunitException>(() => FishForMessage(m => m is int, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void ExpectTerminated_sees_the_death_of_a_watched_actor()
    {
        var echo = ActorOf(Props.Create<Echo>());
        Watch(echo);
        Sys.Stop(echo);
        Assert.Same(echo, ExpectTerminated(echo).ActorRef);
    }

    [Fact]
    public void Probes_have_their_own_queues()
    {
        var probe = CreateTestProbe("probe");
        probe.Ref.Tell("for the probe");
        probe.ExpectMsg("for the probe");
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        Assert.Equal("probe", probe.Ref.Path.Name);
    }
}
