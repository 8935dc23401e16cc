namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class ReceiveActorTests(ITestOutputHelper output) : TestKit(output)
{
    private sealed class OrderedHandlers : ReceiveActor
    {
        public OrderedHandlers()
        {
            Receive<string>(s => Sender.Tell("special:" + s), s => s == "x");
            Receive<string>(s => Sender.Tell("string:" + s));
            Receive<object>(o => Sender.Tell("object:" + o));
            Receive<string>(s => Sender.Tell("never:" + s));
        }
    }

    private sealed class OnlyStrings : ReceiveActor
    {
        public OnlyStrings() => Receive<string>(s => Sender.Tell(s));
    }

    private sealed class Switching : ReceiveActor
    {
        public Switching()
        {
            Receive<string>(s => s == "push", _ => BecomeStacked(() =>
            {
                Receive<string>(s => s == "pop", _ => UnbecomeStacked());
                Receive<string>(s => Sender.Tell("pushed:" + s));
            }));
            Receive<string>(s => s == "become", _ => Become(() => Receive<string>(s => Sender.Tell("became:" + s))));
            Receive<string>(s => Sender.Tell("initial:" + s));
        }
    }

    private sealed class Untyped : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is int i) Sender.Tell(i * 2);
            else Unhandled(message);
        }
    }

    private sealed class LateHandler : ReceiveActor
    {
        public LateHandler() => ReceiveAny(_ =>
        {
            try
            {
                Receive<int>(_ => { });
                Sender.Tell("added");
            }
            catch (InvalidOperationException e)
            {
                Sender.Tell(e.Message);
            }
        });
    }

    [Fact]
    public void Handlers_are_tried_in_declaration_order_with_predicates()
    {
        var actor = ActorOf(Props.Create<OrderedHandlers>());
        actor.Tell("x");
        ExpectMsg("special:x");
        actor.Tell("y");
        ExpectMsg("string:y");
        actor.Tell(5);
        ExpectMsg("object:5");
    }

    [Fact]
    public void An_unhandled_message_is_published_on_the_event_stream()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe<UnhandledMessage>(probe.Ref);
        var actor = ActorOf(Props.Create<OnlyStrings>());
        actor.Tell(42);
        var unhandled = probe.ExpectMsg<UnhandledMessage>();
        Assert.Equal(42, unhandled.Message);
        Assert.Same(actor, unhandled.Recipient);
        Assert.Same(TestActor, unhandled.Sender);

        // The actor carries on.
        actor.Tell("still here");
        ExpectMsg("still here");
    }

    [Fact]
    public void Become_replaces_and_BecomeStacked_pushes_a_behaviour()
    {
        var actor = ActorOf(Props.Create<Switching>());
        actor.Tell("a");
        ExpectMsg("initial:a");
        actor.Tell("push");
        actor.Tell("b");
        ExpectMsg("pushed:b");
        actor.Tell("pop");
        actor.Tell("c");
        ExpectMsg("initial:c");
        actor.Tell("pop"); // not a pop in the initial behaviour: the bottom of the stack stays
        ExpectMsg("initial:pop");
        actor.Tell("d");
        ExpectMsg("initial:d");
        actor.Tell("become");
        actor.Tell("e");
        ExpectMsg("became:e");
        actor.Tell("pop"); // Become replaced the bottom behaviour, so there is nothing to pop
        ExpectMsg("became:pop");
    }

    [Fact]
    public void An_untyped_actor_gets_every_message()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe<UnhandledMessage>(probe.Ref);
        var actor = ActorOf(Props.Create<Untyped>());
        actor.Tell(21);
        ExpectMsg(42);
        actor.Tell("no");
        Assert.Equal("no", probe.ExpectMsg<UnhandledMessage>().Message);
    }

    [Fact]
    public void Handlers_cannot_be_added_after_construction()
    {
        var actor = ActorOf(Props.Create<LateHandler>());
        actor.Tell("go");
        Assert.Contains("constructor", ExpectMsg<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Context_exposes_self_parent_children_and_system()
    {
        var probe = CreateTestProbe();
        var parent = ActorOf(Props.Create(() => new ContextReporter(probe.Ref)), "reporter");
        var report = probe.ExpectMsg<(IActorRef Self, IActorRef Parent, int Children, string System, IActorRef Child)>();
        Assert.Same(parent, report.Self);
        Assert.Equal("user", report.Parent.Path.Name);
        Assert.Equal(1, report.Children);
        Assert.Equal(Sys.Name, report.System);
        Assert.Equal("kid", report.Child.Path.Name);
    }

    private sealed class ContextReporter : ReceiveActor
    {
        public ContextReporter(IActorRef probe)
        {
            var child = Context.ActorOf(Props.Create<EchoActor>(), "kid");
            probe.Tell((Self, Context.Parent, Context.Children.Count(), Context.System.Name, Context.Child("kid")));
            Assert.Same(ActorRefs.Nobody, Context.Child("missing"));
            _ = child;
        }
    }
}
