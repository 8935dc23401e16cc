using QuicActors.Actors.Tests.Streams.Publication;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.TestKit;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// S3, state visibility (issue 5): a peer's STOP_SENDING or RESET_STREAM is published at once, with its cause and code,
/// to the connection's subscribers, and the datagram flow bound to the stream (RFC 9297 §2) follows: sends are refused
/// once the send half is reset, datagrams for a closed receive half are dropped and counted, and the flow is removed
/// exactly once when both halves are terminal, in either order; 50 flows a second for 60 s leave the flow table empty.
/// In-memory engine on the virtual clock: nothing here advances time unless it says so.
/// </summary>
public sealed class S3StateVisibilitySpec(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    // The peer may already have acknowledged the RESET_STREAM (Reset Recvd) by the time the test looks.
    private static readonly SendState?[] ResetStates = [SendState.ResetSent, SendState.ResetRecvd];

    [Fact]
    public async Task Peer_stop_sending_7_is_published_at_once_the_reset_carries_7_and_a_datagram_is_refused()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var clientMetrics = new QuicActorsMetrics();
        using var recorder = new MetricRecorder(clientMetrics);
        await using var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings
            {
                DatagramFlows = true,
                StreamHandler = async (stream, _) =>
                {
                    stream.Abort(StreamAbortDirection.Read, 7);
                    await release.Task;
                },
            },
            new ConnectionActorSettings { DatagramFlows = true, Metrics = clientMetrics });
        var client = CreateTestProbe("client-transitions");
        var server = CreateTestProbe("server-transitions");
        host.ClientActor.Tell(new SubscribeTransitions(client.Ref), ActorRefs.NoSender);
        host.ServerActor.Tell(new SubscribeTransitions(server.Ref), ActorRefs.NoSender);

        var stream = await host.OpenAsync();
        Assert.True(stream.HasDatagramFlow);
        await stream.WriteAsync("x"u8.ToArray()).WaitAsync(Wait);

        // No write is pending and the client does nothing more: the reset must still be published.
        var opened = client.ExpectMsg<StreamTransition>(Wait);
        Assert.Equal((SendState.Ready, SendState.Send, TransitionCause.LocalWrite), (opened.Send.From, opened.Send.To, opened.Cause));
        var reset = client.ExpectMsg<StreamTransition>(Wait);
        Assert.Equal(StreamHalf.Send, reset.Half);
        Assert.Equal((SendState.Send, SendState.ResetSent, TransitionCause.PeerStopSending, 7UL), (reset.Send.From, reset.Send.To, reset.Cause, reset.Send.ErrorCode));
        Assert.Contains(stream.SendState, ResetStates);

        // The RESET_STREAM that answers it carries the same code (RFC 9000 §3.5).
        var peerReset = server.FishForMessage<StreamTransition>(t => t.Half == StreamHalf.Receive && t.Cause == TransitionCause.PeerReset, Wait);
        Assert.Equal(7UL, peerReset.Receive.ErrorCode);

        var refused = await Assert.ThrowsAsync<StreamDatagramRefusedException>(() => stream.SendDatagramAsync("late"u8.ToArray()).WaitAsync(Wait));
        Assert.Equal(DatagramSendVerdict.SendHalfClosed, refused.Verdict);
        Assert.Contains(refused.SendState, ResetStates);
        Assert.Equal(stream.StreamId, refused.StreamId);
        var status = await ConnectionActor.GetDatagramStatusAsync(host.ClientActor).WaitAsync(Wait);
        Assert.Equal((0L, 1L), (status.Sent, status.Refused));
        Assert.Equal(1, recorder.Sum("quicactors.datagrams.refused", ("quicactors.datagram.reason", "send-half-closed")));
        Assert.Equal(TimeSpan.Zero, VirtualTime!.Elapsed);
        release.SetResult();
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task Peer_reset_while_the_application_never_reads_is_published_and_datagrams_for_the_stream_are_dropped_and_counted()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverStream = new TaskCompletionSource<StreamHandle>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var serverMetrics = new QuicActorsMetrics();
        using var recorder = new MetricRecorder(serverMetrics);
        await using var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings
            {
                DatagramFlows = true,
                Metrics = serverMetrics,
                StreamHandler = async (stream, _) =>
                {
                    // Never reads.
                    serverStream.SetResult(stream);
                    await release.Task;
                },
            },
            new ConnectionActorSettings { DatagramFlows = true });
        var server = CreateTestProbe("server-transitions");
        host.ServerActor.Tell(new SubscribeTransitions(server.Ref), ActorRefs.NoSender);

        var stream = await host.OpenAsync();
        await stream.WriteAsync("x"u8.ToArray()).WaitAsync(Wait);
        var handled = await serverStream.Task.WaitAsync(Wait);
        stream.Abort(StreamAbortDirection.Write, 9);

        var reset = server.FishForMessage<StreamTransition>(t => t.Half == StreamHalf.Receive && t.Cause == TransitionCause.PeerReset, Wait);
        Assert.Equal((ReceiveState.Recv, ReceiveState.ResetRecvd, 9UL), (reset.Receive.From, reset.Receive.To, reset.Receive.ErrorCode));
        Assert.Equal(ReceiveState.ResetRecvd, handled.ReceiveState);

        // Datagrams the client had in flight when it reset (its own flow refuses them now): sent raw, as a peer would.
        var quarter = stream.StreamId.Value >> 2;
        Assert.InRange(quarter, 0, 63);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(host.ClientConnection.SendDatagram([(byte)quarter, (byte)i]));
        }

        var status = await PublicationHost.AwaitDatagramsAsync(host.ServerActor, s => s.DroppedReceiveClosed == 3);
        Assert.Equal(0, status.Delivered);
        Assert.Equal(3, recorder.Sum("quicactors.datagrams.dropped", ("quicactors.datagram.reason", "receive-half-closed")));
        Assert.Equal(-1, await handled.ReadDatagramAsync(new byte[16]).AsTask().WaitAsync(Wait));
        release.SetResult();
        await stream.DisposeAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Both_halves_closing_in_either_order_remove_the_flow_exactly_once(bool sendHalfFirst)
    {
        using var serverMetrics = new QuicActorsMetrics();
        using var recorder = new MetricRecorder(serverMetrics);
        await using var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings
            {
                DatagramFlows = true,
                Metrics = serverMetrics,
                StreamHandler = sendHalfFirst ? ReplyThenReadAsync : ReadThenReplyAsync,
            },
            new ConnectionActorSettings { DatagramFlows = true });
        var server = CreateTestProbe("server-transitions");
        host.ServerActor.Tell(new SubscribeTransitions(server.Ref), ActorRefs.NoSender);

        await using (var stream = await host.OpenAsync())
        {
            await stream.WriteAsync("x"u8.ToArray(), completeWrites: !sendHalfFirst).WaitAsync(Wait);
            var buffer = new byte[8];
            while (await stream.ReadAsync(buffer).WaitAsync(Wait) > 0)
            {
            }

            if (sendHalfFirst)
            {
                await stream.CompleteWritesAsync().WaitAsync(Wait);
            }
        }

        var terminals = new List<StreamHalf>();
        while (terminals.Count < 2)
        {
            var transition = server.ExpectMsg<StreamTransition>(Wait);
            if (transition.IsTerminal)
            {
                terminals.Add(transition.Half);
            }
        }

        Assert.Equal(sendHalfFirst ? [StreamHalf.Send, StreamHalf.Receive] : new[] { StreamHalf.Receive, StreamHalf.Send }, terminals);
        await PublicationHost.AwaitStatusAsync(host.ServerActor, s => s.LiveStreams == 0);
        foreach (var actor in new[] { host.ServerActor, host.ClientActor })
        {
            var status = await PublicationHost.AwaitDatagramsAsync(actor, s => s.ActiveFlows == 0);
            Assert.Equal((1L, 1L), (status.FlowsBound, status.FlowsRemoved));
        }

        var flowChanges = recorder.Of("quicactors.datagrams.flows.active");
        Assert.Equal([1.0, -1.0], flowChanges.Select(m => m.Value));
    }

    [Fact]
    public async Task Fifty_flows_a_second_for_sixty_seconds_leave_the_flow_table_empty()
    {
        const int PerSecond = 50;
        const int Seconds = 60;
        await using var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings { DatagramFlows = true, StreamHandler = EchoDatagramThenStreamAsync },
            new ConnectionActorSettings { DatagramFlows = true });
        var start = VirtualTime!.Elapsed;
        for (var second = 0; second < Seconds; second++)
        {
            var flows = new Task[PerSecond];
            for (var i = 0; i < PerSecond; i++)
            {
                flows[i] = RunFlowAsync(host, (second * PerSecond) + i);
            }

            await Task.WhenAll(flows).WaitAsync(Wait);
            Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(TimeSpan.FromSeconds(Seconds), VirtualTime.Elapsed - start);
        const long Total = PerSecond * Seconds;
        foreach (var actor in new[] { host.ServerActor, host.ClientActor })
        {
            var status = await PublicationHost.AwaitDatagramsAsync(actor, s => s.ActiveFlows == 0 && s.FlowsRemoved == Total);
            Assert.Equal(Total, status.FlowsBound);
            Assert.Equal((Total, Total, 0L), (status.Sent, status.Delivered, status.Refused));
            Assert.Equal(0L, status.DroppedReceiveClosed + status.DroppedNoFlow + status.DroppedQueueFull + status.DroppedMalformed);
        }

        var connection = await PublicationHost.AwaitStatusAsync(host.ServerActor, s => s.LiveStreams == 0);
        Assert.Equal(Total, connection.InboundBidirectionalReleased);
    }

    private static async Task RunFlowAsync(PublicationHost host, int index)
    {
        await using var stream = await host.OpenAsync();
        var payload = BitConverter.GetBytes(index);
        await stream.WriteAsync(payload).WaitAsync(Wait);
        Assert.True(await stream.SendDatagramAsync(payload).WaitAsync(Wait));
        var echo = new byte[16];
        var length = await stream.ReadDatagramAsync(echo).AsTask().WaitAsync(Wait);
        Assert.Equal(payload, echo[..length]);
        await stream.CompleteWritesAsync().WaitAsync(Wait);
        var buffer = new byte[16];
        while (await stream.ReadAsync(buffer).WaitAsync(Wait) > 0)
        {
        }
    }

    private static async Task EchoDatagramThenStreamAsync(StreamHandle stream, CancellationToken token)
    {
        var datagram = new byte[64];
        var length = await stream.ReadDatagramAsync(datagram, token);
        Assert.True(length >= 0, "the client's datagram must arrive before its FIN");
        Assert.True(await stream.SendDatagramAsync(datagram.AsMemory(0, length)));
        var buffer = new byte[64];
        while (await stream.ReadAsync(buffer) > 0)
        {
        }

        await stream.CompleteWritesAsync();
    }

    private static async Task ReplyThenReadAsync(StreamHandle stream, CancellationToken token)
    {
        var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = stream.Transitions.Subscribe(new OnTransition(t =>
        {
            if (t.Half == StreamHalf.Send && t.Send.To == SendState.DataRecvd)
            {
                acknowledged.TrySetResult();
            }
        }));
        await stream.WriteAsync("reply"u8.ToArray(), completeWrites: true);
        await acknowledged.Task;
        var buffer = new byte[8];
        while (await stream.ReadAsync(buffer) > 0)
        {
        }
    }

    private static async Task ReadThenReplyAsync(StreamHandle stream, CancellationToken token)
    {
        var buffer = new byte[8];
        while (await stream.ReadAsync(buffer) > 0)
        {
        }

        await stream.WriteAsync("reply"u8.ToArray(), completeWrites: true);
    }

    private sealed class OnTransition(Action<StreamTransition> action) : IObserver<StreamTransition>
    {
        public void OnNext(StreamTransition value) => action(value);

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
