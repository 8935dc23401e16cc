namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class StoppingTests(ITestOutputHelper output) : TestKit(output, useVirtualTime: true)
{
    /// <summary>Blocks in "block" until the gate opens, then replies "unblocked".</summary>
    private sealed class Blocking : ReceiveActor
    {
        public Blocking(ManualResetEventSlim entered, ManualResetEventSlim gate)
        {
            Receive<string>(s => s == "block", _ =>
            {
                entered.Set();
                gate.Wait(TimeSpan.FromSeconds(30));
                Sender.Tell("unblocked");
            });
            ReceiveAny(m => Sender.Tell(m));
        }
    }

    private sealed class NameReuser : ReceiveActor
    {
        public NameReuser()
        {
            Receive<string>(s => s == "cycle", _ =>
            {
                var child = Context.ActorOf(Props.Create<EchoActor>(), "reused");
                Context.Watch(child);
                Context.Stop(child);
                try
                {
                    Context.ActorOf(Props.Create<EchoActor>(), "reused");
                    Sender.Tell("reused too early");
                }
                catch (InvalidActorNameException)
                {
                    Sender.Tell("name still taken");
                }
                var asker = Sender;
                Become(() => Receive<Terminated>(_ =>
                {
                    Context.ActorOf(Props.Create<EchoActor>(), "reused");
                    asker.Tell("name free after Terminated");
                }));
            });
        }
    }

    private sealed class PostStopFlag : ReceiveActor
    {
        public PostStopFlag(StrongBox<bool> stopped)
        {
            _stopped = stopped;
            Receive<string>(_ => { });
        }

        private readonly StrongBox<bool> _stopped;

        protected override void PostStop()
        {
            Thread.Sleep(50);
            _stopped.Value = true;
        }
    }

    private sealed class StrongBox<T>
    {
        public T? Value { get; set; }
    }

    [Fact]
    public void The_current_message_finishes_before_the_actor_stops()
    {
        using var entered = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        var actor = ActorOf(Props.Create(() => new Blocking(entered, gate)));
        Watch(actor);
        actor.Tell("block");
        Assert.True(entered.Wait(Dilated(TimeSpan.FromSeconds(5))));
        Sys.Stop(actor);
        gate.Set();
        ExpectMsg("unblocked");
        ExpectTerminated(actor);
    }

    [Fact]
    public void Children_stop_first_then_PostStop_then_watchers_get_Terminated()
    {
        var parent = ActorOf(Props.Create(() => new LifecycleActor(TestActor)), "parent");
        ExpectMsg("prestart:parent");
        parent.Tell("child:c1");
        parent.Tell("child:c2");
        ReceiveN(2);
        Watch(parent);
        Sys.Stop(parent);
        var first = ReceiveN(2).Cast<string>().ToHashSet();
        Assert.Equal(new HashSet<string> { "poststop:c1", "poststop:c2" }, first);
        ExpectMsg("poststop:parent");
        ExpectTerminated(parent);
    }

    [Fact]
    public void PoisonPill_is_an_ordinary_message_and_later_messages_go_to_dead_letters()
    {
        using var entered = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        var actor = ActorOf(Props.Create(() => new Blocking(entered, gate)));
        actor.Tell("block");
        actor.Tell("before");
        actor.Tell(PoisonPill.Instance);
        actor.Tell("after-1");
        actor.Tell("after-2");
        gate.Set();
        ExpectMsg("unblocked");
        ExpectMsg("before");
        Assert.Equal("after-1", deadLetters.ExpectMsg<DeadLetter>().Message);
        Assert.Equal("after-2", deadLetters.ExpectMsg<DeadLetter>().Message);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_stop_is_a_system_message_that_overtakes_queued_user_messages()
    {
        using var entered = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe<DeadLetter>(deadLetters.Ref);
        var actor = ActorOf(Props.Create(() => new Blocking(entered, gate)));
        actor.Tell("block");
        actor.Tell("queued-1");
        actor.Tell("queued-2");
        Assert.True(entered.Wait(Dilated(TimeSpan.FromSeconds(5))));
        Sys.Stop(actor);
        gate.Set();
        ExpectMsg("unblocked");
        Assert.Equal("queued-1", deadLetters.ExpectMsg<DeadLetter>().Message);
        Assert.Equal("queued-2", deadLetters.ExpectMsg<DeadLetter>().Message);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_name_is_free_again_only_after_termination()
    {
        var actor = ActorOf(Props.Create<NameReuser>());
        actor.Tell("cycle");
        ExpectMsg("name still taken");
        ExpectMsg("name free after Terminated");
    }

    [Fact]
    public async Task GracefulStop_completes_after_PostStop()
    {
        var stopped = new StrongBox<bool>();
        var actor = ActorOf(Props.Create(() => new PostStopFlag(stopped)));
        Assert.True(await actor.GracefulStop(TimeSpan.FromSeconds(30)));
        Assert.True(stopped.Value);
        // Already dead: completes at once.
        Assert.True(await actor.GracefulStop(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task GracefulStop_reports_false_when_the_actor_does_not_stop_in_time()
    {
        var stopped = new StrongBox<bool>();
        var actor = ActorOf(Props.Create(() => new PostStopFlag(stopped)));
        var stopping = actor.GracefulStop(TimeSpan.FromSeconds(5), "ignored");
        Advance(TimeSpan.FromSeconds(5));
        Assert.False(await stopping);
        Assert.False(stopped.Value);
    }

    /// <summary>Tries to make a child in its PostStop, with or without having made one before, and reports what happened.</summary>
    private sealed class SpawnsInPostStop : ReceiveActor
    {
        private readonly IActorRef _probe;

        public SpawnsInPostStop(IActorRef probe, bool childFirst)
        {
            _probe = probe;
            if (childFirst)
            {
                Context.ActorOf(Props.Create<EchoActor>(), "first");
            }

            ReceiveAny(_ => { });
        }

        protected override void PostStop()
        {
            try
            {
                Context.ActorOf(Props.Create<EchoActor>(), "late");
                _probe.Tell("child made after stop");
            }
            catch (InvalidOperationException e)
            {
                _probe.Tell(e.Message);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void No_child_can_be_made_once_the_actor_is_stopping(bool childFirst)
    {
        var probe = CreateTestProbe();
        var actor = ActorOf(Props.Create(() => new SpawnsInPostStop(probe.Ref, childFirst)), "spawner");
        Watch(actor);
        Sys.Stop(actor);
        probe.ExpectMsg<string>(m => m.Contains("Cannot create child 'late'", StringComparison.Ordinal) && m.Contains("stopping or stopped", StringComparison.Ordinal));
        ExpectTerminated(actor);
    }
}
