namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class DeathWatchTests(ITestOutputHelper output) : TestKit(output)
{
    private sealed record WatchIt(IActorRef Subject, object? Custom = null);

    private sealed record UnwatchIt(IActorRef Subject);

    private sealed record Died(string Name);

    /// <summary>Watches on request and reports every Terminated (or custom message) to the probe.</summary>
    private sealed class Watcher : ReceiveActor
    {
        public Watcher(IActorRef probe)
        {
            Receive<WatchIt>(w =>
            {
                if (w.Custom is null) Context.Watch(w.Subject);
                else Context.WatchWith(w.Subject, w.Custom);
                Sender.Tell("watching");
            });
            Receive<UnwatchIt>(u =>
            {
                Context.Unwatch(u.Subject);
                Sender.Tell("unwatched");
            });
            Receive<Terminated>(t => probe.Tell(t));
            Receive<Died>(d => probe.Tell(d));
        }
    }

    /// <summary>Watches but does not handle Terminated.</summary>
    private sealed class CarelessWatcher : ReceiveActor
    {
        public CarelessWatcher(IActorRef subject)
        {
            Context.Watch(subject);
            Receive<string>(_ => { });
        }
    }

    [Fact]
    public void Terminated_is_delivered_exactly_once_even_when_watched_twice()
    {
        var probe = CreateTestProbe();
        var watcher = ActorOf(Props.Create(() => new Watcher(probe.Ref)));
        var subject = ActorOf(Props.Create<EchoActor>());
        watcher.Tell(new WatchIt(subject));
        ExpectMsg("watching");
        watcher.Tell(new WatchIt(subject));
        ExpectMsg("watching");
        Sys.Stop(subject);
        var terminated = probe.ExpectMsg<Terminated>();
        Assert.Same(subject, terminated.ActorRef);
        Assert.True(terminated.ExistenceConfirmed);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Watching_an_already_dead_actor_delivers_Terminated()
    {
        var subject = ActorOf(Props.Create<EchoActor>());
        Watch(subject);
        Sys.Stop(subject);
        ExpectTerminated(subject);

        var probe = CreateTestProbe();
        var watcher = ActorOf(Props.Create(() => new Watcher(probe.Ref)));
        watcher.Tell(new WatchIt(subject));
        ExpectMsg("watching");
        var late = probe.ExpectMsg<Terminated>();
        Assert.Same(subject, late.ActorRef);
        Assert.False(late.ExistenceConfirmed);

        watcher.Tell(new WatchIt(ActorRefs.Nobody));
        ExpectMsg("watching");
        probe.ExpectMsg<Terminated>(t => ReferenceEquals(t.ActorRef, ActorRefs.Nobody));
    }

    [Fact]
    public void No_Terminated_arrives_after_Unwatch()
    {
        var probe = CreateTestProbe();
        var watcher = ActorOf(Props.Create(() => new Watcher(probe.Ref)));
        var subject = ActorOf(Props.Create<EchoActor>());
        watcher.Tell(new WatchIt(subject));
        ExpectMsg("watching");
        watcher.Tell(new UnwatchIt(subject));
        ExpectMsg("unwatched");
        Watch(subject);
        Sys.Stop(subject);
        ExpectTerminated(subject);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    private sealed record Block(ManualResetEventSlim Gate);

    /// <summary>Watches on construction; "block" holds its turn; "unwatch" unwatches; reports Terminated.</summary>
    private sealed class SlowWatcher : ReceiveActor
    {
        public SlowWatcher(IActorRef subject, IActorRef probe)
        {
            Context.Watch(subject);
            Receive<Block>(b => b.Gate.Wait(TimeSpan.FromSeconds(30)));
            Receive<string>(s => s == "unwatch", _ =>
            {
                Context.Unwatch(subject);
                Sender.Tell("unwatched");
            });
            Receive<Terminated>(t => probe.Tell(t));
        }
    }

    [Fact]
    public void A_Terminated_already_queued_is_dropped_by_a_later_Unwatch()
    {
        var probe = CreateTestProbe();
        var subject = ActorOf(Props.Create<EchoActor>());
        var watcher = ActorOf(Props.Create(() => new SlowWatcher(subject, probe.Ref)));
        using var gate = new ManualResetEventSlim();
        watcher.Tell(new Block(gate));
        watcher.Tell("unwatch");
        Watch(subject);
        Sys.Stop(subject);
        ExpectTerminated(subject);
        // The watcher's death notification is queued behind "unwatch" (or arrives after it): either way no Terminated.
        gate.Set();
        ExpectMsg("unwatched");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void WatchWith_delivers_the_custom_message()
    {
        var probe = CreateTestProbe();
        var watcher = ActorOf(Props.Create(() => new Watcher(probe.Ref)));
        var subject = ActorOf(Props.Create<EchoActor>(), "custom");
        watcher.Tell(new WatchIt(subject, new Died("custom")));
        ExpectMsg("watching");
        Sys.Stop(subject);
        Assert.Equal(new Died("custom"), probe.ExpectMsg<Died>());
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void An_unhandled_Terminated_fails_the_watcher_with_a_death_pact()
    {
        var subject = ActorOf(Props.Create<EchoActor>());
        var watcher = ActorOf(Props.Create(() => new CarelessWatcher(subject)));
        Watch(watcher);
        EventFilter.Exception<DeathPactException>().ExpectOne(() => Sys.Stop(subject));
        ExpectTerminated(watcher);
    }

    [Fact]
    public void Messages_sent_before_death_arrive_before_Terminated()
    {
        var probe = CreateTestProbe();
        var sender = ActorOf(Props.Create<EchoActor>());
        probe.Watch(sender);
        for (var i = 0; i < 100; i++) sender.Tell(i, probe.Ref);
        sender.Tell(PoisonPill.Instance);
        for (var i = 0; i < 100; i++) probe.ExpectMsg(i);
        probe.ExpectTerminated(sender);
    }
}
