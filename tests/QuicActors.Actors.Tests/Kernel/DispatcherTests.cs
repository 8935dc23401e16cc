namespace QuicActors.Actors.Tests.Kernel;

using System.Collections.Concurrent;
using QuicActors.Configuration;
using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class DispatcherTests(ITestOutputHelper output) : TestKit(output)
{
    private sealed record Serve(IActorRef Partner, int Inflight);

    private sealed record Ball(int Sequence, int Hops);

    /// <summary>
    /// Bounces numbered balls with its partner until each has made <c>maxHops</c> hops; checks that the balls
    /// arrive in the order they were served (per sender-receiver pair FIFO) and reports once it got its share.
    /// </summary>
    private sealed class Player : ReceiveActor
    {
        private int _received;
        private int _expected;

        public Player(IActorRef probe, int inflight, int maxHops)
        {
            var share = inflight * maxHops / 2;
            Receive<Serve>(serve =>
            {
                for (var i = 0; i < serve.Inflight; i++) serve.Partner.Tell(new Ball(i, 0), Self);
            });
            Receive<Ball>(ball =>
            {
                if (ball.Sequence != _expected) probe.Tell($"out of order: {ball.Sequence}, expected {_expected}");
                _expected = (_expected + 1) % inflight;
                if (ball.Hops + 1 < maxHops) Sender.Tell(ball with { Hops = ball.Hops + 1 }, Self);
                if (++_received == share) probe.Tell("done");
            });
        }
    }

    [Theory]
    [InlineData(DispatcherKind.Workers)]
    [InlineData(DispatcherKind.ThreadPool)]
    public void Pairs_exchange_every_message_in_order_on_either_dispatcher(DispatcherKind dispatcher)
    {
        const int pairs = 6;
        const int inflight = 100;
        const int maxHops = 400;
        var probe = CreateTestProbe();
        for (var p = 0; p < pairs; p++)
        {
            var props = Props.Create(() => new Player(probe.Ref, inflight, maxHops)).WithDispatcher(dispatcher);
            var a = ActorOf(props);
            var b = ActorOf(props);
            a.Tell(new Serve(b, inflight), null);
        }
        var reports = probe.ReceiveN(pairs * 2, Dilated(TimeSpan.FromSeconds(20)));
        Assert.All(reports, r => Assert.Equal("done", r));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Blocks its turn until every one of them is blocked: needs more threads than there are cores.</summary>
    private sealed class Blocker(CountdownEvent allBlocked, IActorRef probe) : ReceiveActor
    {
        protected override void PreStart() => ReceiveAny(_ =>
        {
            allBlocked.Signal();
            probe.Tell(allBlocked.Wait(TimeSpan.FromSeconds(20)) ? "released" : "timed out");
        });
    }

    [Fact]
    public void Workers_are_added_when_every_worker_is_blocked_in_a_turn()
    {
        var count = Environment.ProcessorCount + 3;
        using var allBlocked = new CountdownEvent(count);
        var probe = CreateTestProbe();
        var props = Props.Create(() => new Blocker(allBlocked, probe.Ref)).WithDispatcher(DispatcherKind.Workers);
        var blockers = Enumerable.Range(0, count).Select(_ => ActorOf(props)).ToArray();
        foreach (var blocker in blockers) blocker.Tell("block", null);
        var reports = probe.ReceiveN(count, Dilated(TimeSpan.FromSeconds(20)));
        Assert.All(reports, r => Assert.Equal("released", r));
    }

    /// <summary>Wakes <c>answerer</c> from its turn and then blocks until it has answered.</summary>
    private sealed class WaitsForItsOwnWakeUp(IActorRef answerer, IActorRef probe) : ReceiveActor
    {
        protected override void PreStart() => ReceiveAny(_ =>
        {
            using var answered = new ManualResetEventSlim();
            // The answerer is queued on this worker, which is about to block: another worker must take it.
            answerer.Tell(answered, Self);
            probe.Tell(answered.Wait(TimeSpan.FromSeconds(20)) ? "answered" : "timed out");
        });
    }

    private sealed class Answerer : ReceiveActor
    {
        public Answerer() => Receive<ManualResetEventSlim>(e => e.Set());
    }

    [Fact]
    public void An_actor_woken_by_a_turn_that_then_blocks_runs_on_another_worker()
    {
        var probe = CreateTestProbe();
        var answerer = ActorOf(Props.Create<Answerer>().WithDispatcher(DispatcherKind.Workers));
        var waiter = ActorOf(Props.Create(() => new WaitsForItsOwnWakeUp(answerer, probe.Ref)).WithDispatcher(DispatcherKind.Workers));
        for (var i = 0; i < 5; i++)
        {
            waiter.Tell("go", null);
            probe.ExpectMsg("answered", Dilated(TimeSpan.FromSeconds(20)));
        }
    }

    [Fact]
    public void An_actor_woken_by_a_turn_that_then_blocks_runs_while_the_other_workers_stay_busy()
    {
        // Endless exchanges keep every other worker busy with its own queue: none ever goes idle to steal.
        var workers = Props.Create<EchoActor>().WithDispatcher(DispatcherKind.Workers);
        for (var i = 0; i < Environment.ProcessorCount; i++)
        {
            var a = ActorOf(workers);
            var b = ActorOf(workers);
            for (var k = 0; k < 10; k++) a.Tell(k, b);
        }
        var probe = CreateTestProbe();
        var answerer = ActorOf(Props.Create<Answerer>().WithDispatcher(DispatcherKind.Workers));
        var waiter = ActorOf(Props.Create(() => new WaitsForItsOwnWakeUp(answerer, probe.Ref)).WithDispatcher(DispatcherKind.Workers));
        for (var i = 0; i < 3; i++)
        {
            waiter.Tell("go", null);
            probe.ExpectMsg("answered", Dilated(TimeSpan.FromSeconds(20)));
        }
    }

    /// <summary>Burns about 2 ms of CPU per message and tells itself again, noting the threads it ran on, until two threads were seen or time is up.</summary>
    private sealed class Grinder(ConcurrentDictionary<int, bool> threads, IActorRef probe) : ReceiveActor
    {
        protected override void PreStart() => Receive<DateTime>(until =>
        {
            threads.TryAdd(Environment.CurrentManagedThreadId, true);
            var spin = System.Diagnostics.Stopwatch.StartNew();
            while (spin.Elapsed < TimeSpan.FromMilliseconds(2)) Thread.SpinWait(100);
            if (threads.Count >= 2 || DateTime.UtcNow > until) probe.Tell("done");
            else Self.Tell(until, Self);
        });
    }

    /// <summary>Starts two grinders from one turn: both land on this turn's worker, two cells in its queue.</summary>
    private sealed class Kicker(Props grinder) : ReceiveActor
    {
        protected override void PreStart() => Receive<DateTime>(until =>
        {
            Context.ActorOf(grinder).Tell(until, Self);
            Context.ActorOf(grinder).Tell(until, Self);
        });
    }

    [SkippableFact]
    public void Two_busy_actors_started_by_one_turn_are_shared_with_an_idle_worker()
    {
        // Two queued cells are not stolen at once (they could be the two partners of a conversation); the monitor lets
        // an idle worker take one when the turns are long, as these 2 ms ones are (throughput 1: a turn per message).
        Skip.If(Environment.ProcessorCount < 2, "needs two workers, i.e. two cores");
        var threads = new ConcurrentDictionary<int, bool>();
        var probe = CreateTestProbe();
        var grinder = Props.Create(() => new Grinder(threads, probe.Ref)).WithDispatcher(DispatcherKind.Workers).WithThroughput(1);
        var kicker = ActorOf(Props.Create(() => new Kicker(grinder)).WithDispatcher(DispatcherKind.Workers));
        kicker.Tell(DateTime.UtcNow + Dilated(TimeSpan.FromSeconds(3)), null);
        probe.ReceiveN(2, Dilated(TimeSpan.FromSeconds(10)));
        Assert.True(threads.Count >= 2, $"the two grinders ran on {threads.Count} thread(s) only");
    }

    [Fact]
    public void The_default_dispatcher_is_the_workers()
    {
        Assert.Equal(DispatcherKind.Workers, ActorSystemSettings.Default.Dispatcher);
        Assert.Equal(DispatcherKind.Workers, new ActorSystemSettings().Dispatcher);
        Assert.Null(Props.Create<Answerer>().Dispatcher);
    }

    [Fact]
    public void An_undefined_dispatcher_kind_is_rejected_naming_the_value()
    {
        var fromProps = Assert.Throws<ArgumentOutOfRangeException>(() => Props.Create<Answerer>().WithDispatcher((DispatcherKind)7));
        Assert.Equal("dispatcher", fromProps.ParamName);
        Assert.Contains("7", fromProps.Message, StringComparison.Ordinal);
        var fromSettings = Assert.Throws<ArgumentOutOfRangeException>(() => ActorSystemSettings.Default with { Dispatcher = (DispatcherKind)7 });
        Assert.Equal("Dispatcher", fromSettings.ParamName);
        Assert.Contains("7", fromSettings.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("workers", DispatcherKind.Workers)]
    [InlineData("thread-pool", DispatcherKind.ThreadPool)]
    public void The_dispatcher_is_chosen_in_configuration(string value, DispatcherKind expected)
    {
        var app = ConfigFactory.ParseString($"quic-actors.actor.dispatcher = {value}", originDescription: "application.conf");
        var settings = KernelConfig.From(ConfigFactory.Load(app, ConfigResolveOptions.NoEnvironment)).ToActorSystemSettings();
        Assert.Equal(expected, settings.Dispatcher);
    }

    [Fact]
    public void Reference_conf_selects_the_workers()
        => Assert.Equal(DispatcherKind.Workers, KernelConfig.From(ConfigFactory.Reference(ConfigResolveOptions.NoEnvironment)).Dispatcher);
}
