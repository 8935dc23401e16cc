namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class StashTests(ITestOutputHelper output) : TestKit(output)
{
    private sealed class Gatekeeper : ReceiveActor, IWithUnboundedStash
    {
        public IStash Stash { get; set; } = null!;

        public Gatekeeper()
        {
            Receive<string>(s => s == "open", _ =>
            {
                Become(() => ReceiveAny(m => Sender.Tell(m)));
                Stash.UnstashAll();
            });
            Receive<string>(s => s == "boom", _ => throw new InvalidOperationException("boom"));
            Receive<string>(s => s == "stashed?", _ => Sender.Tell(Stash.Count));
            ReceiveAny(_ => Stash.Stash());
        }
    }

    [Fact]
    public void Stashed_messages_come_back_in_order_after_UnstashAll()
    {
        var actor = ActorOf(Props.Create<Gatekeeper>());
        actor.Tell("a");
        actor.Tell("b");
        actor.Tell(3);
        actor.Tell("stashed?");
        ExpectMsg(3);
        actor.Tell("open");
        actor.Tell("c");
        ExpectMsg("a");
        ExpectMsg("b");
        ExpectMsg(3);
        ExpectMsg("c");
    }

    [Fact]
    public void Stashed_messages_survive_a_restart()
    {
        var actor = ActorOf(Props.Create<Gatekeeper>());
        actor.Tell("a");
        actor.Tell("b");
        actor.Tell("boom");
        // The new instance gets the stashed messages first, and stashes them again.
        actor.Tell("stashed?");
        ExpectMsg(2);
        actor.Tell("open");
        ExpectMsg("a");
        ExpectMsg("b");
    }

    [Fact]
    public void Stashed_messages_go_to_dead_letters_when_the_actor_stops()
    {
        Sys.EventStream.Subscribe<DeadLetter>(TestActor);
        var actor = ActorOf(Props.Create<Gatekeeper>());
        actor.Tell("kept");
        actor.Tell(PoisonPill.Instance);
        Assert.Equal("kept", ExpectMsg<DeadLetter>().Message);
    }
}
