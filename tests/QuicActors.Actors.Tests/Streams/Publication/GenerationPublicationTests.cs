using QuicActors.Kernel;
using QuicActors.Streams;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Publication;

/// <summary>
/// 0-RTT rejected: the early stream's halves end as discarded and subscribers see it, its datagram flow is removed once
/// with its generation, the old handle cannot send datagrams, and stream 0 of generation 2 gets a fresh flow.
/// </summary>
public sealed class GenerationPublicationTests(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_discarded_generation_publishes_its_streams_end_and_removes_their_flows_once()
    {
        var subscriber = CreateTestProbe("client-transitions");
        await using var host = await PublicationHost.StartRejectedEarlyDataAsync(Sys, VirtualTime!, new ConnectionActorSettings { DatagramFlows = true });
        host.ClientActor.Tell(new SubscribeTransitions(subscriber.Ref), ActorRefs.NoSender);

        var early = await host.OpenAsync();
        Assert.Equal(1, early.Stamp.Generation);
        Assert.True(early.HasDatagramFlow);
        await early.WriteAsync("early"u8.ToArray()).WaitAsync(Wait);
        await host.AcceptServerAsync(Sys, new ConnectionActorSettings { DatagramFlows = true, StreamHandler = TransitionPublicationTests.EchoToEofAsync });
        Advance(TimeSpan.FromSeconds(1));

        var discarded = new List<StreamTransition>();
        while (discarded.Count < 2)
        {
            var transition = subscriber.ExpectMsg<StreamTransition>(Wait);
            Assert.Equal(early.Stamp, transition.Stamp);
            if (transition.Cause == TransitionCause.GenerationDiscarded)
            {
                discarded.Add(transition);
            }
        }

        Assert.Equal([StreamHalf.Send, StreamHalf.Receive], discarded.Select(t => t.Half).Order());
        Assert.All(discarded, t => Assert.True(t.IsTerminal));
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Throws<StaleHandleException>(() => { _ = early.SendDatagramAsync("stale"u8.ToArray()); });
        var status = await PublicationHost.AwaitDatagramsAsync(host.ClientActor, s => s.FlowsRemoved == 1);
        Assert.Equal((0, 1L), (status.ActiveFlows, status.FlowsBound));

        await using (var again = await host.OpenAsync())
        {
            Assert.Equal((2, 0L), (again.Stamp.Generation, again.StreamId.Value));
            Assert.True(again.HasDatagramFlow);
            await again.WriteAsync("1-rtt"u8.ToArray()).WaitAsync(Wait);
            Assert.True(await again.SendDatagramAsync("fresh"u8.ToArray()).WaitAsync(Wait));
            await again.CompleteWritesAsync().WaitAsync(Wait);
            var buffer = new byte[16];
            while (await again.ReadAsync(buffer).WaitAsync(Wait) > 0)
            {
            }
        }

        status = await PublicationHost.AwaitDatagramsAsync(host.ClientActor, s => s.FlowsRemoved == 2);
        Assert.Equal((0, 2L, 1L), (status.ActiveFlows, status.FlowsBound, status.Sent));
        Assert.Equal(1, (await ConnectionActor.GetDatagramStatusAsync(host.ServerActor).WaitAsync(Wait)).Delivered);
    }
}
