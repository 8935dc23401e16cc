namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class ReceiveTimeoutTests(ITestOutputHelper output) : TestKit(output, useVirtualTime: true)
{
    private sealed class Idle : ReceiveActor
    {
        public Idle(IActorRef probe)
        {
            Context.SetReceiveTimeout(TimeSpan.FromSeconds(1));
            Receive<ReceiveTimeout>(_ => probe.Tell("timeout"));
            Receive<string>(s => s == "off", _ =>
            {
                Context.SetReceiveTimeout(null);
                Sender.Tell("off");
            });
            Receive<string>(s => Sender.Tell(s));
        }
    }

    private IActorRef StartIdle(TestProbe probe)
    {
        var actor = ActorOf(Props.Create(() => new Idle(probe.Ref)));
        // Make sure the constructor ran (and armed the timer) before the clock moves.
        actor.Tell("started");
        ExpectMsg("started");
        return actor;
    }

    [Fact]
    public void ReceiveTimeout_arrives_after_the_idle_time_and_repeats()
    {
        var probe = CreateTestProbe();
        StartIdle(probe);
        Advance(TimeSpan.FromMilliseconds(900));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Advance(TimeSpan.FromMilliseconds(200));
        probe.ExpectMsg("timeout");
        Advance(TimeSpan.FromSeconds(1));
        probe.ExpectMsg("timeout");
    }

    [Fact]
    public void A_message_resets_the_receive_timeout()
    {
        var probe = CreateTestProbe();
        var actor = StartIdle(probe);
        Advance(TimeSpan.FromMilliseconds(600));
        actor.Tell("activity");
        ExpectMsg("activity");
        Advance(TimeSpan.FromMilliseconds(600));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Advance(TimeSpan.FromMilliseconds(500));
        probe.ExpectMsg("timeout");
    }

    [Fact]
    public void Setting_no_receive_timeout_switches_it_off()
    {
        var probe = CreateTestProbe();
        var actor = StartIdle(probe);
        actor.Tell("off");
        ExpectMsg("off");
        Advance(TimeSpan.FromSeconds(5));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
