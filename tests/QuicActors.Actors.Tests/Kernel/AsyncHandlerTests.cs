namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class AsyncHandlerTests(ITestOutputHelper output) : TestKit(output)
{
    private sealed class AsyncActor : ReceiveActor
    {
        public AsyncActor(Func<string, Task> gate)
        {
            ReceiveAsync<string>(async s =>
            {
                var sender = Sender;
                Sender.Tell("start:" + s);
                await gate(s);
                // After the await we are back on the actor: Sender, Self and Context are valid.
                Sender.Tell("end:" + s);
                Assert.Same(sender, Sender);
                Context.ActorOf(Props.Create<EchoActor>());
            }, s => s != "fail");
            ReceiveAsync<string>(async _ =>
            {
                await Task.Yield();
                throw new InvalidOperationException("async failure");
            });
            Receive<int>(i => Sender.Tell(i));
        }
    }

    [Fact]
    public void An_async_handler_keeps_the_mailbox_suspended_until_it_completes()
    {
        var gates = new Dictionary<string, TaskCompletionSource>
        {
            ["a"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["b"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        var actor = ActorOf(Props.Create(() => new AsyncActor(s => gates[s].Task)));
        actor.Tell("a");
        actor.Tell(1);
        actor.Tell("b");
        ExpectMsg("start:a");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        gates["a"].SetResult();
        ExpectMsg("end:a");
        ExpectMsg(1);
        ExpectMsg("start:b");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        gates["b"].SetResult();
        ExpectMsg("end:b");
    }

    [Fact]
    public void A_faulted_async_handler_fails_the_actor_like_a_thrown_exception()
    {
        var actor = ActorOf(Props.Create(() => new AsyncActor(_ => Task.CompletedTask)));
        EventFilter.Exception<InvalidOperationException>("async failure").ExpectOne(() => actor.Tell("fail"));
        actor.Tell(7);
        ExpectMsg(7);
    }
}
