namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class SupervisionTests(ITestOutputHelper output) : TestKit(output, useVirtualTime: true)
{
    private IActorRef Supervisor(SupervisorStrategy strategy) => ActorOf(Props.Create(() => new SupervisorActor(strategy)));

    private IActorRef Child(IActorRef supervisor, string name, IActorRef? probe = null)
    {
        supervisor.Tell((Props.Create(() => new LifecycleActor(probe ?? TestActor)), name));
        if (probe is not null) return ExpectMsg<IActorRef>(r => r.Path.Name == name);
        // The ref (from the supervisor) and "prestart" (from the child) come from different senders: any order.
        var both = ReceiveN(2);
        Assert.Contains($"prestart:{name}", both);
        return both.OfType<IActorRef>().Single(r => r.Path.Name == name);
    }

    [Fact]
    public void The_default_strategy_restarts_keeping_ref_and_mailbox_and_drops_the_failed_message()
    {
        var probe = CreateTestProbe();
        var supervisor = Supervisor(SupervisorStrategy.DefaultStrategy);
        var child = Child(supervisor, "worker", probe.Ref);
        probe.ExpectMsg("prestart:worker");
        child.Tell("one");
        ExpectMsg("one");
        child.Tell("count");
        ExpectMsg(1);

        // The failing message is followed by queued messages, which the new instance processes.
        child.Tell("boom");
        child.Tell("after");
        child.Tell("count");
        ExpectMsg("after");
        ExpectMsg(1); // fresh state: only "after" counted, "boom" not re-processed
        probe.FishForMessage<string>(s => s == "postrestart:worker:boom");
    }

    [Fact]
    public void Resume_keeps_the_instance_and_its_state()
    {
        var supervisor = Supervisor(new OneForOneStrategy(_ => Directive.Resume));
        var child = Child(supervisor, "resumer");
        child.Tell("a");
        ExpectMsg("a");
        child.Tell("boom");
        child.Tell("b");
        ExpectMsg("b");
        child.Tell("count");
        ExpectMsg(2);
    }

    [Fact]
    public void Stop_directive_stops_the_child()
    {
        var supervisor = Supervisor(new OneForOneStrategy(_ => Directive.Stop));
        var child = Child(supervisor, "stopper");
        Watch(child);
        child.Tell("boom");
        ExpectMsg("poststop:stopper");
        ExpectTerminated(child);
    }

    [Fact]
    public void Escalate_fails_the_supervisor_which_its_own_supervisor_restarts()
    {
        var top = Supervisor(SupervisorStrategy.DefaultStrategy);
        top.Tell((Props.Create(() => new SupervisorActor(new OneForOneStrategy(_ => Directive.Escalate))), "middle"));
        var middle = ExpectMsg<IActorRef>();
        var leaf = Child(middle, "leaf");
        Watch(leaf);
        leaf.Tell("boom");
        // The middle supervisor restarts; its default PreRestart stops the leaf.
        ExpectMsg("poststop:leaf");
        ExpectTerminated(leaf);
        // The middle supervisor itself lives on (same ref, new instance).
        middle.Tell((Props.Create<EchoActor>(), "after-restart"));
        Assert.Equal("after-restart", ExpectMsg<IActorRef>().Path.Name);
    }

    [Fact]
    public void The_default_decider_stops_on_initialisation_kill_and_death_pact()
    {
        Assert.Equal(Directive.Stop, SupervisorStrategy.DefaultDecider(new ActorInitializationException()));
        Assert.Equal(Directive.Stop, SupervisorStrategy.DefaultDecider(new ActorKilledException()));
        Assert.Equal(Directive.Stop, SupervisorStrategy.DefaultDecider(new DeathPactException()));
        Assert.Equal(Directive.Restart, SupervisorStrategy.DefaultDecider(new InvalidOperationException()));

        var failingCtor = ActorOf(Props.Create<ThrowingConstructor>());
        Watch(failingCtor);
        ExpectTerminated(failingCtor);

        var killed = ActorOf(Props.Create(() => new LifecycleActor(TestActor)), "killed");
        ExpectMsg("prestart:killed");
        Watch(killed);
        killed.Tell(Kill.Instance);
        ExpectMsg("poststop:killed");
        ExpectTerminated(killed);
    }

    private sealed class ThrowingConstructor : ReceiveActor
    {
        public ThrowingConstructor() => throw new InvalidOperationException("cannot construct");
    }

    [Fact]
    public void Kill_goes_through_supervision()
    {
        var supervisor = Supervisor(new OneForOneStrategy(e => e is ActorKilledException ? Directive.Resume : Directive.Stop));
        var child = Child(supervisor, "unkillable");
        child.Tell("x");
        ExpectMsg("x");
        child.Tell(Kill.Instance);
        child.Tell("count");
        ExpectMsg(1);
    }

    [Fact]
    public void Restarts_beyond_the_retry_limit_within_the_window_stop_the_child()
    {
        var supervisor = Supervisor(new OneForOneStrategy(2, TimeSpan.FromSeconds(10), null));
        var child = Child(supervisor, "fragile");
        Watch(child);
        child.Tell("boom");
        FishForMessage<string>(s => s == "prestart:fragile");
        child.Tell("boom");
        FishForMessage<string>(s => s == "prestart:fragile");
        child.Tell("boom");
        FishForMessage<string>(s => s == "poststop:fragile");
        FishForMessage<Terminated>(t => t.ActorRef.Equals(child));
    }

    [Fact]
    public void The_retry_window_resets_after_it_has_passed_on_the_system_clock()
    {
        var supervisor = Supervisor(new OneForOneStrategy(1, TimeSpan.FromSeconds(10), null));
        var child = Child(supervisor, "window");
        child.Tell("boom");
        FishForMessage<string>(s => s == "prestart:window");
        Advance(TimeSpan.FromSeconds(11));
        child.Tell("boom");
        FishForMessage<string>(s => s == "prestart:window");
        child.Tell("alive");
        ExpectMsg("alive");
    }

    [Fact]
    public void All_for_one_restarts_every_child_when_one_fails()
    {
        var supervisor = Supervisor(new AllForOneStrategy(-1, null, null));
        var a = Child(supervisor, "a");
        var b = Child(supervisor, "b");
        a.Tell("boom");
        var seen = new HashSet<string>();
        while (!(seen.Contains("postrestart:a:boom") && seen.Contains("postrestart:b:boom")))
            seen.Add(ExpectMsg<string>());
        b.Tell("still");
        FishForMessage<string>(s => s == "still");
    }

    [Fact]
    public void All_for_one_stop_stops_every_child()
    {
        var supervisor = Supervisor(new AllForOneStrategy(_ => Directive.Stop));
        var a = Child(supervisor, "a");
        var b = Child(supervisor, "b");
        Watch(a);
        Watch(b);
        a.Tell("boom");
        FishForMessage<Terminated>(t => t.ActorRef.Equals(a) || t.ActorRef.Equals(b));
        FishForMessage<Terminated>(t => t.ActorRef.Equals(a) || t.ActorRef.Equals(b));
    }

    [Fact]
    public void A_failing_actor_suspends_its_children_until_the_supervisor_decides()
    {
        using var decide = new ManualResetEventSlim();
        using var deciding = new ManualResetEventSlim();
        var supervisor = Supervisor(new OneForOneStrategy(_ =>
        {
            deciding.Set();
            decide.Wait(TimeSpan.FromSeconds(30));
            return Directive.Resume;
        }));
        supervisor.Tell((Props.Create(() => new SupervisorActor(SupervisorStrategy.DefaultStrategy)), "failing-parent"));
        var parent = ExpectMsg<IActorRef>();
        var child = Child(parent, "suspended-child");

        parent.Tell("boom");
        // The parent suspends its child before it reports the failure, so once the (held) decider runs
        // the child is suspended: a message to it waits.
        Assert.True(deciding.Wait(Dilated(TimeSpan.FromSeconds(5))));
        child.Tell("ping");
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        decide.Set();
        ExpectMsg("ping");
    }

    [Fact]
    public void A_failure_is_logged_once_with_the_actor_path_and_message_type()
    {
        var supervisor = Supervisor(SupervisorStrategy.DefaultStrategy);
        var child = Child(supervisor, "logged");
        EventFilter.Exception<InvalidOperationException>("boom").ExpectOne(() => child.Tell("boom"));
        EventFilter.Error("/logged failed processing System.String").ExpectOne(() => child.Tell("boom"));
    }
}

public sealed class GuardianEscalationTests(ITestOutputHelper output) : TestKit(output, systemSettings: new ActorSystemSettings
{
    GuardianSupervisorStrategy = new OneForOneStrategy(_ => Directive.Escalate),
})
{
    [Fact]
    public async Task A_failure_escalated_by_the_user_guardian_terminates_the_system()
    {
        var actor = ActorOf(Props.Create(() => new LifecycleActor(TestActor)), "top");
        ExpectMsg("prestart:top");
        actor.Tell("boom");
        await Sys.WhenTerminated.WaitAsync(Dilated(TimeSpan.FromSeconds(5)));
    }
}
