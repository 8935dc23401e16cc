namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.Kernel.Internal;
using QuicActors.TestKit;
using Xunit.Abstractions;

/// <summary>
/// Behaviours with at least <see cref="HandlerSet.IndexedFrom"/> handlers dispatch through a per-type index;
/// these check that the index changes nothing about which handler gets a message.
/// </summary>
public sealed class ReceiveActorIndexedDispatchTests(ITestOutputHelper output) : TestKit(output)
{
    private interface IShape;

    private record Circle(int R) : IShape;

    private sealed record Disc(int R) : Circle(R);

    private sealed record Square(int Side) : IShape;

    private enum Colour { Red }

    private sealed class ManyHandlers : ReceiveActor
    {
        public ManyHandlers()
        {
            Receive<string>(s => Sender.Tell("special:" + s), s => s == "x");
            Receive<string>(s => s == "become", _ => Become(() =>
            {
                for (var i = 0; i < HandlerSet.IndexedFrom; i++)
                {
                    var n = i;
                    Receive<int>(v => Sender.Tell($"became{n}:{v}"), v => v % HandlerSet.IndexedFrom == n);
                }
            }));
            Receive<int?>(i => Sender.Tell("nullable-int:" + i));
            Receive<Disc>(d => Sender.Tell("disc:" + d.R), d => d.R > 100);
            Receive<Circle>(c => Sender.Tell("circle:" + c.R));
            Receive<IShape>(s => Sender.Tell("shape:" + s.GetType().Name));
            Receive<long>(l => Sender.Tell("long:" + l));
            Receive<string>(s => Sender.Tell("string:" + s));
            Receive<IEnumerable<object>>(e => Sender.Tell("sequence:" + e.Count()));
            Receive<Colour>(c => Sender.Tell("colour:" + c));
            Receive<object>(o => Sender.Tell("object:" + o));
        }
    }

    [Fact]
    public void Each_message_goes_to_the_first_handler_whose_type_and_predicate_match()
    {
        var actor = ActorOf(Props.Create<ManyHandlers>());
        // The first rounds are scanned (the behaviour builds its index after a few messages), the last indexed.
        for (var round = 0; round < 1 + HandlerSet.IndexAfterMessages / 11 + 1; round++)
        {
            actor.Tell("x");
            ExpectMsg("special:x");
            actor.Tell("y");
            ExpectMsg("string:y");
            actor.Tell(7);
            ExpectMsg("nullable-int:7");
            actor.Tell(new Disc(500));
            ExpectMsg("disc:500");
            actor.Tell(new Disc(5));
            ExpectMsg("circle:5");
            actor.Tell(new Circle(6));
            ExpectMsg("circle:6");
            actor.Tell(new Square(2));
            ExpectMsg("shape:Square");
            actor.Tell(3L);
            ExpectMsg("long:3");
            actor.Tell(new List<string> { "a", "b" });
            ExpectMsg("sequence:2");
            actor.Tell(Colour.Red);
            ExpectMsg("colour:Red");
            actor.Tell(2.5);
            ExpectMsg("object:2.5");
        }
    }

    [Fact]
    public void A_behaviour_built_by_become_is_indexed_on_its_own()
    {
        var actor = ActorOf(Props.Create<ManyHandlers>());
        actor.Tell("y");
        ExpectMsg("string:y");
        actor.Tell("become");
        for (var v = 0; v < HandlerSet.IndexAfterMessages + 2 * HandlerSet.IndexedFrom; v++)
        {
            actor.Tell(v);
            ExpectMsg($"became{v % HandlerSet.IndexedFrom}:{v}");
        }
        Sys.EventStream.Subscribe<UnhandledMessage>(TestActor);
        actor.Tell("y");
        Assert.Equal("y", ExpectMsg<UnhandledMessage>().Message);
    }
}
