namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

/// <summary>
/// A turn that used up its throughput goes on when nothing else waits for its worker (the workers dispatcher's
/// <c>TryContinueTurn</c>); these specs pin down the "nothing else waits" part.
/// </summary>
public sealed class TurnContinuationTests(ITestOutputHelper output) : TestKit(output)
{
    /// <summary>Keeps itself busy with a message to itself per turn (throughput 1) until its partner says stop.</summary>
    private sealed class SelfFeeder : ReceiveActor
    {
        private bool _stopped;
        private int _fed;

        public SelfFeeder(IActorRef probe, IActorRef partner)
        {
            Receive<string>(message =>
            {
                switch (message)
                {
                    case "start":
                        // Wakes the partner from this turn: it is queued behind this actor on this worker, where no
                        // thief takes a lone cell, so it runs only when this actor's turn ends.
                        partner.Tell("ping", Self);
                        Self.Tell("feed", Self);
                        break;
                    case "feed":
                        _fed++;
                        if (!_stopped) Self.Tell("feed", Self);
                        break;
                    case "stop":
                        _stopped = true;
                        probe.Tell(_fed);
                        break;
                }
            });
        }
    }

    private sealed class Stopper : ReceiveActor
    {
        public Stopper() => Receive<string>(_ => Sender.Tell("stop", Self));
    }

    [Fact]
    public void An_actor_that_never_runs_dry_still_lets_an_actor_it_woke_run_on_its_worker()
    {
        var probe = CreateTestProbe();
        var stopper = ActorOf(Props.Create(() => new Stopper()).WithDispatcher(DispatcherKind.Workers));
        var feeder = ActorOf(Props.Create(() => new SelfFeeder(probe.Ref, stopper)).WithDispatcher(DispatcherKind.Workers).WithThroughput(1));
        feeder.Tell("start", null);
        // The stopper runs as soon as the feeder's first turn ends, so the feeder fed itself once before the stop
        // arrived (more only if a thief took the stopper to a worker that the machine then left waiting). Without
        // the check for queued cells the feeder's turn goes on until something unrelated ends it (1.7-4.2 million
        // feeds measured).
        var fed = probe.ExpectMsg<int>(Dilated(TimeSpan.FromSeconds(10)));
        Assert.True(fed < 100_000, $"the feeder fed itself {fed} times before the actor it woke ran");
    }

    [Theory]
    [InlineData(DispatcherKind.Workers)]
    [InlineData(DispatcherKind.ThreadPool)]
    public void Continued_turns_keep_the_order_of_a_long_stream(DispatcherKind dispatcher)
    {
        const int messages = 100_000;
        var probe = CreateTestProbe();
        var counter = ActorOf(Props.Create(() => new SequenceChecker(probe.Ref, messages)).WithDispatcher(dispatcher).WithThroughput(3));
        for (var i = 0; i < messages; i++) counter.Tell(i, null);
        probe.ExpectMsg("in order", Dilated(TimeSpan.FromSeconds(10)));
    }

    private sealed class SequenceChecker : ReceiveActor
    {
        private int _expected;

        public SequenceChecker(IActorRef probe, int messages)
        {
            Receive<int>(i =>
            {
                if (i != _expected) probe.Tell($"out of order: {i}, expected {_expected}");
                if (++_expected == messages) probe.Tell("in order");
            });
        }
    }
}
