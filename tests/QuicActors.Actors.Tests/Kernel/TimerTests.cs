namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class TimerTests(ITestOutputHelper output) : TestKit(output, useVirtualTime: true)
{
    private sealed record Single(object Key, string Message, TimeSpan After);

    private sealed record Periodic(object Key, string Message, TimeSpan Interval);

    private sealed record CancelTimer(object Key);

    private sealed record BlockThenRestart(ManualResetEventSlim Entered, ManualResetEventSlim Gate);

    private sealed class TimedActor : ReceiveActor, IWithTimers
    {
        public ITimerScheduler Timers { get; set; } = null!;

        public TimedActor(IActorRef probe)
        {
            Receive<Single>(s =>
            {
                Timers.StartSingleTimer(s.Key, s.Message, s.After);
                Sender.Tell("started");
            });
            Receive<Periodic>(p =>
            {
                Timers.StartPeriodicTimer(p.Key, p.Message, p.Interval);
                Sender.Tell("started");
            });
            Receive<CancelTimer>(c =>
            {
                Timers.Cancel(c.Key);
                Sender.Tell(Timers.IsTimerActive(c.Key) ? "still active" : "cancelled");
            });
            Receive<BlockThenRestart>(b =>
            {
                Timers.StartSingleTimer("k", "first", TimeSpan.FromSeconds(1));
                b.Entered.Set();
                b.Gate.Wait(TimeSpan.FromSeconds(30));
                Timers.StartSingleTimer("k", "second", TimeSpan.FromSeconds(1));
            });
            Receive<string>(s => s == "boom", _ => throw new InvalidOperationException("boom"));
            Receive<string>(s => probe.Tell(s));
        }
    }

    private IActorRef Start(TestProbe probe) => ActorOf(Props.Create(() => new TimedActor(probe.Ref)));

    [Fact]
    public void A_single_timer_fires_once_after_its_delay()
    {
        var probe = CreateTestProbe();
        var actor = Start(probe);
        actor.Tell(new Single("k", "tick", TimeSpan.FromSeconds(2)));
        ExpectMsg("started");
        Advance(TimeSpan.FromSeconds(1));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Advance(TimeSpan.FromSeconds(1));
        probe.ExpectMsg("tick");
        Advance(TimeSpan.FromSeconds(10));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_periodic_timer_fires_every_interval_until_cancelled()
    {
        var probe = CreateTestProbe();
        var actor = Start(probe);
        actor.Tell(new Periodic("p", "beat", TimeSpan.FromSeconds(1)));
        ExpectMsg("started");
        Advance(TimeSpan.FromSeconds(3));
        probe.ExpectMsg("beat");
        probe.ExpectMsg("beat");
        probe.ExpectMsg("beat");
        actor.Tell(new CancelTimer("p"));
        ExpectMsg("cancelled");
        Advance(TimeSpan.FromSeconds(3));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Restarting_a_key_replaces_the_timer_and_drops_an_already_queued_message()
    {
        var probe = CreateTestProbe();
        var actor = Start(probe);
        using var entered = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        actor.Tell(new BlockThenRestart(entered, gate));
        Assert.True(entered.Wait(Dilated(TimeSpan.FromSeconds(5))));
        // "first" fires and is queued while the actor is busy; the actor then replaces the timer.
        Advance(TimeSpan.FromSeconds(1));
        gate.Set();
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Advance(TimeSpan.FromSeconds(1));
        probe.ExpectMsg("second");
    }

    [Fact]
    public void Timers_are_cancelled_when_the_actor_stops()
    {
        var probe = CreateTestProbe();
        var actor = Start(probe);
        actor.Tell(new Periodic("p", "beat", TimeSpan.FromSeconds(1)));
        ExpectMsg("started");
        var before = VirtualTime!.ActiveTimers;
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        Assert.Equal(before - 1, VirtualTime.ActiveTimers);
        Sys.EventStream.Subscribe<DeadLetter>(probe.Ref);
        Advance(TimeSpan.FromSeconds(3));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Timers_are_cancelled_when_the_actor_restarts()
    {
        var probe = CreateTestProbe();
        var actor = Start(probe);
        actor.Tell(new Single("k", "late", TimeSpan.FromSeconds(1)));
        ExpectMsg("started");
        actor.Tell("boom");
        actor.Tell(new CancelTimer("other"));
        ExpectMsg("cancelled");
        Advance(TimeSpan.FromSeconds(2));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
