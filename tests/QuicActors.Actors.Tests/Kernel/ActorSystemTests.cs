namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class ActorSystemTests(ITestOutputHelper output) : TestKit(output)
{
    /// <summary>Records its PostStop in a plain queue: the test actor itself is stopped by Terminate.</summary>
    private sealed class Recorder : ReceiveActor
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log;

        public Recorder(System.Collections.Concurrent.ConcurrentQueue<string> log)
        {
            _log = log;
            Receive<string>(name =>
            {
                Context.ActorOf(Props.Create(() => new Recorder(log)), name);
                Sender.Tell("created");
            });
        }

        protected override void PostStop() => _log.Enqueue(Self.Path.Name);
    }

    [Fact]
    public async Task Terminate_stops_every_actor_and_completes_the_task()
    {
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var parent = ActorOf(Props.Create(() => new Recorder(log)), "parent");
        parent.Tell("kid");
        ExpectMsg("created");

        var terminated = Sys.Terminate();
        await terminated.WaitAsync(Dilated(TimeSpan.FromSeconds(5)));

        // Children stop before their parent.
        var order = log.ToList();
        Assert.True(order.IndexOf("kid") >= 0 && order.IndexOf("kid") < order.IndexOf("parent"), string.Join(",", order));
        Assert.Same(terminated, Sys.WhenTerminated);
        Assert.Throws<InvalidOperationException>(() => Sys.ActorOf(Props.Create<EchoActor>()));
    }

    [Fact]
    public void A_ref_carries_path_and_incarnation_id_and_never_reaches_a_later_incarnation()
    {
        var first = ActorOf(Props.Create<EchoActor>(), "same");
        Assert.Equal("same", first.Path.Name);
        Assert.EndsWith("/user/same", first.Path.ToString(), StringComparison.Ordinal);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        var second = ActorOf(Props.Create<EchoActor>(), "same");
        Assert.Equal(first.Path, second.Path);
        Assert.NotEqual(first.Path.Uid, second.Path.Uid);
        Assert.NotEqual(first, second);

        Sys.EventStream.Subscribe<DeadLetter>(TestActor);
        first.Tell("to-the-old-one");
        var dead = ExpectMsg<DeadLetter>();
        Assert.Equal("to-the-old-one", dead.Message);
        Assert.Same(first, dead.Recipient);
        second.Tell("to-the-new-one");
        ExpectMsg("to-the-new-one");
    }

    [Fact]
    public void A_live_name_cannot_be_reused_and_bad_names_are_rejected()
    {
        ActorOf(Props.Create<EchoActor>(), "taken");
        var e = Assert.Throws<InvalidActorNameException>(() => ActorOf(Props.Create<EchoActor>(), "taken"));
        Assert.Contains("taken", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidActorNameException>(() => ActorOf(Props.Create<EchoActor>(), "a/b"));
        Assert.Throws<InvalidActorNameException>(() => ActorOf(Props.Create<EchoActor>(), "$reserved"));
        Assert.Throws<InvalidActorNameException>(() => ActorOf(Props.Create<EchoActor>(), ""));
        Assert.Throws<ArgumentException>(() => ActorSystem.Create("bad name"));
    }

    [Fact]
    public void Generated_names_are_unique()
    {
        var a = ActorOf(Props.Create<EchoActor>());
        var b = ActorOf(Props.Create<EchoActor>());
        Assert.NotEqual(a.Path, b.Path);
        Assert.StartsWith("$", a.Path.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Props_are_immutable_records_with_validated_settings()
    {
        var props = Props.Create<EchoActor>();
        var faster = props.WithThroughput(5);
        Assert.Null(props.Throughput);
        Assert.Equal(5, faster.Throughput);
        Assert.Throws<ArgumentOutOfRangeException>(() => props.WithThroughput(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ActorSystemSettings { Throughput = 0 });
        Assert.Equal(typeof(EchoActor), props.ActorType);

        var actor = ActorOf(faster);
        actor.Tell("works");
        ExpectMsg("works");
    }

    [Fact]
    public void Creating_an_actor_with_new_outside_the_kernel_fails_clearly()
    {
        var e = Assert.Throws<ActorInitializationException>(() => new EchoActor());
        Assert.Contains("ActorOf", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_props_factory_returning_a_shared_instance_fails_initialisation()
    {
        EchoActor? shared = null;
        var props = Props.Create(() => shared ??= new EchoActor());
        var first = ActorOf(props);
        first.Tell("hi");
        ExpectMsg("hi");
        var second = ActorOf(props);
        Watch(second);
        ExpectTerminated(second);
    }
}
