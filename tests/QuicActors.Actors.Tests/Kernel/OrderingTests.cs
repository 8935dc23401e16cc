namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class OrderingTests(ITestOutputHelper output) : TestKit(output)
{
    private sealed class Relay : ReceiveActor
    {
        public Relay(IActorRef target) => ReceiveAny(m => target.Tell(m));
    }

    [Fact]
    public void Messages_keep_their_order_per_sender_receiver_pair_across_batches()
    {
        var echo = ActorOf(Props.Create<EchoActor>().WithThroughput(3));
        const int count = 5000;
        for (var i = 0; i < count; i++) echo.Tell(i);
        var received = ReceiveN(count, Dilated(TimeSpan.FromSeconds(20)));
        Assert.Equal(Enumerable.Range(0, count).Cast<object>(), received);
    }

    [Fact]
    public void Several_senders_each_keep_their_own_order()
    {
        var probe = CreateTestProbe();
        var senders = Enumerable.Range(0, 4).Select(_ => ActorOf(Props.Create(() => new Relay(probe.Ref)))).ToArray();
        const int perSender = 500;
        Parallel.For(0, senders.Length, s =>
        {
            for (var i = 0; i < perSender; i++) senders[s].Tell((s, i), null);
        });
        var next = new int[senders.Length];
        foreach (var message in probe.ReceiveN(senders.Length * perSender, Dilated(TimeSpan.FromSeconds(20))))
        {
            var (s, i) = ((int, int))message;
            Assert.Equal(next[s], i);
            next[s]++;
        }
    }
}
