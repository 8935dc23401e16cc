using System.Diagnostics;
using QuicActors.Actors.Tests.Streams.Publication;
using QuicActors.Conformance.Tests.Interop.Peer;
using QuicActors.Kernel;
using QuicActors.Streams;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using QuicActors.TestKit;

/// <summary>
/// S3 with quic-go 0.29 as the client and our server connection actor on ngtcp2, datagrams negotiated at both ends.
/// The peer's client modes <c>stop-sending-held</c>, <c>reset-datagrams</c> and <c>flows</c> (tests/interop/README.md)
/// pace themselves on datagrams bound to the stream, which our handlers send: "I hold the stream", "I saw the reset".
/// What the wire carried is checked on quic-go's side: the RESET_STREAM code it received and the quarter stream IDs of
/// every datagram it received. The transitions reach the test through <see cref="ConnectionActorSettings.OnTransition"/>,
/// so none is missed before a subscription could be made. The scenario's 50 flows a second for 60 s is scaled to 4 s of
/// wall clock (200 flows); the full 60 s runs on virtual time in <see cref="S3StateVisibilityInMemorySpec"/>.
/// </summary>
public sealed class S3StateVisibilityQuicGoClientSpec(ITestOutputHelper output) : TestKit(output)
{
    private static readonly TimeSpan Wait = S3StateVisibilitySpec.Wait;

    [SkippableFact]
    public async Task Quic_go_stop_sending_7_on_a_held_stream_is_published_at_once_our_reset_carries_7_and_a_datagram_is_refused()
    {
        var engine = SpecEngine.Ngtcp2();
        var transitions = CreateTestProbe("server-transitions");
        var held = new TaskCompletionSource<(StreamHandle Stream, long At)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var refusalChecked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var streams = 0;
        using var metrics = new QuicActorsMetrics();
        using var recorder = new MetricRecorder(metrics);
        await using var host = await StreamSpecHost.ListenAsync(Sys, engine, new ConnectionActorSettings
        {
            DatagramFlows = true,
            Metrics = metrics,
            OnTransition = t => transitions.Ref.Tell(t, ActorRefs.NoSender),
            StreamHandler = async (stream, _) =>
            {
                if (Interlocked.Increment(ref streams) == 1)
                {
                    // Holds the stream: never writes, never reads. The datagram tells quic-go it may send STOP_SENDING.
                    Assert.True(await stream.SendDatagramAsync("held"u8.ToArray()));
                    held.SetResult((stream, Stopwatch.GetTimestamp()));
                }
                else
                {
                    // quic-go's second stream: its datagram closes quic-go's tally, after the refused one.
                    await refusalChecked.Task;
                    Assert.True(await stream.SendDatagramAsync("barrier"u8.ToArray()));
                }

                await release.Task;
            },
        }, S3StateVisibilitySpec.MaxDatagramFrameSize);
        var client = QuicGoClient.RunAsync(host.ListenEndPoint, "stop-sending-held", TimeSpan.FromSeconds(15), "--code", "7");
        await host.AcceptServerAsync();

        var (stream, heldAt) = await held.Task.WaitAsync(Wait);
        var reset = transitions.FishForMessage<StreamTransition>(t => t.Half == StreamHalf.Send && t.Stamp.StreamId == stream.StreamId, Wait);
        S3StateVisibilitySpec.AssertAtOnce(Stopwatch.GetElapsedTime(heldAt), "the send half's Reset Sent after quic-go's STOP_SENDING");
        S3StateVisibilitySpec.AssertStopSendingReset(reset, 7);
        Assert.Equal(SendState.Ready, reset.Send.From);

        await S3StateVisibilitySpec.AssertDatagramRefusedAsync(stream, host.ServerActor, recorder, sentBefore: 1);
        refusalChecked.SetResult();

        // quic-go saw RESET_STREAM(7), and only two datagrams: "held" on our stream, then the barrier on its second.
        var run = await client;
        release.SetResult();
        Assert.Equal($"ok stop-sending-held code=7 reset-code=7 datagrams={S3StateVisibilitySpec.QuarterOf(stream)},{S3StateVisibilitySpec.QuarterOf(stream) + 1}", run.AssertSucceeded());
    }

    [SkippableFact]
    public async Task Quic_go_reset_while_we_never_read_is_published_at_once_and_its_datagrams_for_the_stream_are_dropped_and_counted()
    {
        var engine = SpecEngine.Ngtcp2();
        var transitions = CreateTestProbe("server-transitions");
        var held = new TaskCompletionSource<(StreamHandle Stream, long At)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var metrics = new QuicActorsMetrics();
        using var recorder = new MetricRecorder(metrics);
        await using var host = await StreamSpecHost.ListenAsync(Sys, engine, new ConnectionActorSettings
        {
            DatagramFlows = true,
            Metrics = metrics,
            OnTransition = t => transitions.Ref.Tell(t, ActorRefs.NoSender),
            StreamHandler = async (stream, _) =>
            {
                // Never reads. Tells quic-go when it holds the stream, and when it saw the reset: quic-go's datagrams
                // then certainly arrive after the RESET_STREAM.
                var resetSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var watch = stream.Transitions.Subscribe(new S3StateVisibilitySpec.OnTransition(t =>
                {
                    if (t.Half == StreamHalf.Receive && t.Receive.To == ReceiveState.ResetRecvd)
                    {
                        resetSeen.TrySetResult();
                    }
                }));
                Assert.True(await stream.SendDatagramAsync("held"u8.ToArray()));
                held.SetResult((stream, Stopwatch.GetTimestamp()));
                await resetSeen.Task;
                Assert.True(await stream.SendDatagramAsync("reset seen"u8.ToArray()));
                await release.Task;
                await stream.CompleteWritesAsync();
            },
        }, S3StateVisibilitySpec.MaxDatagramFrameSize);
        var client = QuicGoClient.RunAsync(host.ListenEndPoint, "reset-datagrams", TimeSpan.FromSeconds(15), "--code", "9", "--count", "3");
        await host.AcceptServerAsync();

        var (stream, heldAt) = await held.Task.WaitAsync(Wait);
        var reset = transitions.FishForMessage<StreamTransition>(t => t.Half == StreamHalf.Receive && t.Cause == TransitionCause.PeerReset, Wait);
        S3StateVisibilitySpec.AssertAtOnce(Stopwatch.GetElapsedTime(heldAt), "the receive half's Reset Recvd after quic-go's RESET_STREAM");
        Assert.Equal((ReceiveState.Recv, ReceiveState.ResetRecvd, 9UL), (reset.Receive.From, reset.Receive.To, reset.Receive.ErrorCode));
        Assert.Equal(ReceiveState.ResetRecvd, stream.ReceiveState);

        await S3StateVisibilitySpec.AssertDroppedAfterResetAsync(host.ServerActor, stream, recorder, 3);
        release.SetResult();
        Assert.Equal("ok reset-datagrams code=9 sent=3", (await client).AssertSucceeded());
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Both_halves_closing_in_either_order_remove_the_flow_exactly_once(bool sendHalfFirst)
    {
        var engine = SpecEngine.Ngtcp2();
        var transitions = CreateTestProbe("server-transitions");
        using var metrics = new QuicActorsMetrics();
        using var recorder = new MetricRecorder(metrics);
        await using var host = await StreamSpecHost.ListenAsync(Sys, engine, new ConnectionActorSettings
        {
            DatagramFlows = true,
            Metrics = metrics,
            OnTransition = t => transitions.Ref.Tell(t, ActorRefs.NoSender),
            StreamHandler = sendHalfFirst ? S3StateVisibilitySpec.ReplyThenReadAsync : S3StateVisibilitySpec.ReadThenReplyAsync,
        }, S3StateVisibilitySpec.MaxDatagramFrameSize);

        // One flow without datagrams: 8 bytes and FIN, then the reply read to EOF. quic-go keeps the connection until we
        // close it, so the halves end by themselves (our last FIN needs its acknowledgement), not by a connection close.
        var client = QuicGoClient.RunAsync(host.ListenEndPoint, "flows", TimeSpan.FromSeconds(10), "--streams", "1", "--count", "0", "--await-server-close");
        await host.AcceptServerAsync();

        S3StateVisibilitySpec.AssertTerminalOrder(transitions, sendHalfFirst);
        await PublicationHost.AwaitStatusAsync(host.ServerActor, s => s.LiveStreams == 0);
        var status = await WhileRunningAsync(client, AwaitDatagramsAsync(host.ServerActor, s => s.ActiveFlows == 0, Wait));
        Assert.Equal((1L, 1L), (status.FlowsBound, status.FlowsRemoved));
        S3StateVisibilitySpec.AssertFlowAddedAndRemovedOnce(recorder);
        await host.CloseServerAsync();
        Assert.Equal("ok flows=1 datagrams=0", (await client).AssertSucceeded());
    }

    [SkippableFact]
    public async Task Fifty_flows_a_second_for_four_seconds_scaled_from_sixty_leave_the_flow_table_empty()
    {
        const int PerSecond = 50;
        const int Seconds = 4;
        const long Total = PerSecond * Seconds;
        var engine = SpecEngine.Ngtcp2();
        await using var host = await StreamSpecHost.ListenAsync(Sys, engine, new ConnectionActorSettings
        {
            DatagramFlows = true,
            StreamHandler = S3StateVisibilitySpec.EchoDatagramThenStreamAsync,
        }, S3StateVisibilitySpec.MaxDatagramFrameSize);

        // Each flow: 8 bytes, one datagram echoed on the flow, FIN, our (empty) half read to EOF. quic-go paces the flows
        // (50 start at the start of each second) and keeps the connection until we close it, so every flow ends by
        // itself; the table must then be empty while the connection is still up. The clock starts before the peer does:
        // its last batch starts (Seconds - 1) s after it starts, so this bound holds however long the handshake takes.
        var elapsed = Stopwatch.StartNew();
        var client = QuicGoClient.RunAsync(host.ListenEndPoint, "flows", TimeSpan.FromSeconds(30),
            "--streams", $"{Total}", "--per-second", $"{PerSecond}", "--count", "1", "--await-server-close");
        await host.AcceptServerAsync();
        var status = await WhileRunningAsync(client, AwaitDatagramsAsync(host.ServerActor, s => s.FlowsRemoved == Total && s.ActiveFlows == 0, TimeSpan.FromSeconds(Seconds + 10)));
        Assert.True(elapsed.Elapsed >= TimeSpan.FromSeconds(Seconds - 1), $"quic-go paced {Total} flows at {PerSecond} a second, yet they took only {elapsed.Elapsed}");
        Assert.Equal(Total, status.FlowsBound);
        Assert.Equal((Total, Total, 0L), (status.Sent, status.Delivered, status.Refused));
        Assert.Equal(0L, status.DroppedReceiveClosed + status.DroppedNoFlow + status.DroppedQueueFull + status.DroppedMalformed);
        var connection = await PublicationHost.AwaitStatusAsync(host.ServerActor, s => s.LiveStreams == 0);
        Assert.Equal(Total, connection.InboundBidirectionalReleased);
        await host.CloseServerAsync();
        Assert.Equal($"ok flows={Total} datagrams={Total}", (await client).AssertSucceeded());
    }

    /// <summary>
    /// Awaits <paramref name="task"/>, failing with quic-go's output if the client, which waits for our close, ended first.
    /// </summary>
    private static async Task<T> WhileRunningAsync<T>(Task<QuicGoClientResult> client, Task<T> task)
    {
        if (await Task.WhenAny(task, client) == client && !task.IsCompleted)
        {
            Assert.Fail((await client).Describe("should have waited for our close"));
        }

        return await task;
    }

    /// <summary>Polls the datagram status until <paramref name="condition"/> holds or <paramref name="timeout"/> passes.</summary>
    private static async Task<DatagramFlowStatus> AwaitDatagramsAsync(IActorRef actor, Func<DatagramFlowStatus, bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        DatagramFlowStatus status;
        do
        {
            status = await ConnectionActor.GetDatagramStatusAsync(actor).WaitAsync(Wait);
            if (condition(status))
            {
                return status;
            }

            await Task.Delay(20);
        }
        while (deadline.Elapsed < timeout);
        Assert.Fail($"The datagram flows never settled: {status}");
        return status;
    }
}
