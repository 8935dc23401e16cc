using System.Diagnostics;
using System.Globalization;
using QuicActors.Actors.Tests.Streams.Publication;
using QuicActors.Conformance.Tests.Interop.Peer;
using QuicActors.Kernel;
using QuicActors.Streams;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using QuicActors.TestKit;

/// <summary>
/// S3 with quic-go 0.29 as the server and our client connection actor on ngtcp2, datagrams negotiated at both ends
/// (tests/interop/README.md lists the peer's modes). What the wire carried is checked on quic-go's side: the code of
/// our RESET_STREAM (<c>--report-frames</c>) and the datagrams it received. The scenario's 50 flows a second for 60 s
/// is scaled to 4 s of wall clock (200 flows); the full 60 s runs on virtual time in
/// <see cref="S3StateVisibilityInMemorySpec"/>.
/// </summary>
public sealed class S3StateVisibilityQuicGoServerSpec(ITestOutputHelper output) : TestKit(output)
{
    private static readonly TimeSpan Wait = S3StateVisibilitySpec.Wait;

    [SkippableFact]
    public async Task Quic_go_stop_sending_7_is_published_at_once_our_reset_carries_7_and_a_datagram_is_refused()
    {
        var engine = SpecEngine.Ngtcp2();
        await using var server = await QuicGoServer.StartAsync("stop-sending", "--code", "7", "--datagrams", "--report-frames");
        using var metrics = new QuicActorsMetrics();
        using var recorder = new MetricRecorder(metrics);
        await using var host = await StreamSpecHost.ConnectAsync(Sys, engine, server.EndPoint,
            new ConnectionActorSettings { DatagramFlows = true, Metrics = metrics }, S3StateVisibilitySpec.MaxDatagramFrameSize);
        var transitions = CreateTestProbe("client-transitions");
        host.ClientActor.Tell(new SubscribeTransitions(transitions.Ref), ActorRefs.NoSender);

        var stream = await S3StateVisibilitySpec.OpenAsync(host.ClientActor);
        Assert.True(stream.HasDatagramFlow);
        await stream.WriteAsync("x"u8.ToArray()).WaitAsync(Wait);
        var written = Stopwatch.GetTimestamp();

        // quic-go answers the first byte with STOP_SENDING(7) (and a FIN on its own half); we write nothing more.
        var reset = transitions.FishForMessage<StreamTransition>(t => t.Half == StreamHalf.Send && t.Send.To != SendState.Send, Wait);
        S3StateVisibilitySpec.AssertAtOnce(Stopwatch.GetElapsedTime(written), "the send half's Reset Sent after quic-go's STOP_SENDING");
        S3StateVisibilitySpec.AssertStopSendingReset(reset, 7);
        Assert.Contains(stream.SendState, S3StateVisibilitySpec.ResetStates);
        var id = stream.StreamId.Value.ToString(CultureInfo.InvariantCulture);
        await server.WaitForEventAsync("stop-sending-sent", e => e.Has("id", id) && e.Has("code", "7"));
        await server.WaitForEventAsync("frame-reset-stream", e => e.Has("id", id) && e.Has("code", "7"));

        await S3StateVisibilitySpec.AssertDatagramRefusedAsync(stream, host.ClientActor, recorder, sentBefore: 0);

        // Nothing left for the refused datagram: a raw one sent past the actors afterwards (4 bytes; the refused one
        // would have had 5) is the only datagram quic-go ever receives.
        Assert.True(host.ClientConnection.SendDatagram([(byte)S3StateVisibilitySpec.QuarterOf(stream), 0xFF, 0xFF, 0xFF]));
        await server.WaitForEventAsync("datagram-received", e => e.Has("len", "4"));
        Assert.Single(server.EventsNamed("datagram-received"));
        await stream.DisposeAsync();
    }

    [SkippableFact]
    public async Task Quic_go_reset_while_we_never_read_is_published_at_once_and_datagrams_for_the_stream_are_dropped_and_counted()
    {
        var engine = SpecEngine.Ngtcp2();

        // quic-go reads our 64 bytes, writes 32 back, resets its half with code 9 and echoes every datagram.
        await using var server = await QuicGoServer.StartAsync("reset", "--code", "9", "--echo-datagrams");
        using var metrics = new QuicActorsMetrics();
        using var recorder = new MetricRecorder(metrics);
        await using var host = await StreamSpecHost.ConnectAsync(Sys, engine, server.EndPoint,
            new ConnectionActorSettings { DatagramFlows = true, Metrics = metrics }, S3StateVisibilitySpec.MaxDatagramFrameSize);
        var transitions = CreateTestProbe("client-transitions");
        host.ClientActor.Tell(new SubscribeTransitions(transitions.Ref), ActorRefs.NoSender);

        var stream = await S3StateVisibilitySpec.OpenAsync(host.ClientActor);
        await stream.WriteAsync(new byte[64]).WaitAsync(Wait);
        var written = Stopwatch.GetTimestamp();

        // Never reads: the reply's 32 bytes stay unread, and the reset must be published all the same.
        var reset = transitions.FishForMessage<StreamTransition>(t => t.Half == StreamHalf.Receive && t.Cause == TransitionCause.PeerReset, Wait);
        S3StateVisibilitySpec.AssertAtOnce(Stopwatch.GetElapsedTime(written), "the receive half's Reset Recvd after quic-go's RESET_STREAM");
        Assert.Equal((ReceiveState.ResetRecvd, 9UL), (reset.Receive.To, reset.Receive.ErrorCode));
        Assert.Equal(ReceiveState.ResetRecvd, stream.ReceiveState);
        await server.WaitForEventAsync("reset-sent", e => e.Has("code", "9"));

        // Our send half is still open, so our datagrams go out; quic-go echoes them on the stream's flow, and they
        // arrive for a receive half that is reset.
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await stream.SendDatagramAsync(new[] { (byte)i }).WaitAsync(Wait));
        }

        await server.WaitForEventsAsync("datagram-received", 3);
        await S3StateVisibilitySpec.AssertDroppedAfterResetAsync(host.ClientActor, stream, recorder, 3);
        await stream.DisposeAsync();
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Both_halves_closing_in_either_order_remove_the_flow_exactly_once(bool sendHalfFirst)
    {
        var engine = SpecEngine.Ngtcp2();

        // Send half first: quic-go echoes after our FIN, and we read the reply only once our FIN is acknowledged.
        // Receive half first: quic-go answers our first 32 bytes with a reply and FIN; we read it to EOF, then send ours.
        await using var server = await QuicGoServer.StartAsync(sendHalfFirst ? "echo" : "reply-no-eof", "--datagrams");
        using var metrics = new QuicActorsMetrics();
        using var recorder = new MetricRecorder(metrics);
        await using var host = await StreamSpecHost.ConnectAsync(Sys, engine, server.EndPoint,
            new ConnectionActorSettings { DatagramFlows = true, Metrics = metrics }, S3StateVisibilitySpec.MaxDatagramFrameSize);
        var transitions = CreateTestProbe("client-transitions");
        host.ClientActor.Tell(new SubscribeTransitions(transitions.Ref), ActorRefs.NoSender);

        await using (var stream = await S3StateVisibilitySpec.OpenAsync(host.ClientActor))
        {
            var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var watch = stream.Transitions.Subscribe(new S3StateVisibilitySpec.OnTransition(t =>
            {
                if (t.Half == StreamHalf.Send && t.Send.To == SendState.DataRecvd)
                {
                    acknowledged.TrySetResult();
                }
            }));
            await stream.WriteAsync(new byte[32], completeWrites: sendHalfFirst).WaitAsync(Wait);
            if (sendHalfFirst)
            {
                await acknowledged.Task.WaitAsync(Wait);
            }

            var buffer = new byte[64];
            while (await stream.ReadAsync(buffer).WaitAsync(Wait) > 0)
            {
            }

            if (!sendHalfFirst)
            {
                await stream.CompleteWritesAsync().WaitAsync(Wait);
                await acknowledged.Task.WaitAsync(Wait);
            }
        }

        S3StateVisibilitySpec.AssertTerminalOrder(transitions, sendHalfFirst);
        await PublicationHost.AwaitStatusAsync(host.ClientActor, s => s.LiveStreams == 0);
        var status = await PublicationHost.AwaitDatagramsAsync(host.ClientActor, s => s.ActiveFlows == 0);
        Assert.Equal((1L, 1L), (status.FlowsBound, status.FlowsRemoved));
        S3StateVisibilitySpec.AssertFlowAddedAndRemovedOnce(recorder);
    }

    [SkippableFact]
    public async Task Fifty_flows_a_second_for_four_seconds_scaled_from_sixty_leave_the_flow_table_empty()
    {
        const int PerSecond = 50;
        const int Seconds = 4;
        var engine = SpecEngine.Ngtcp2();

        // quic-go echoes every datagram and every stream (after our FIN).
        await using var server = await QuicGoServer.StartAsync("datagrams");
        await using var host = await StreamSpecHost.ConnectAsync(Sys, engine, server.EndPoint,
            new ConnectionActorSettings { DatagramFlows = true }, S3StateVisibilitySpec.MaxDatagramFrameSize);
        await S3StateVisibilitySpec.RunPacedAsync(PerSecond, Seconds, i => S3StateVisibilitySpec.RunFlowAsync(host.ClientActor, i));

        const long Total = PerSecond * Seconds;
        var status = await PublicationHost.AwaitDatagramsAsync(host.ClientActor, s => s.ActiveFlows == 0 && s.FlowsRemoved == Total);
        Assert.Equal(Total, status.FlowsBound);
        Assert.Equal((Total, Total, 0L), (status.Sent, status.Delivered, status.Refused));
        Assert.Equal(0L, status.DroppedReceiveClosed + status.DroppedNoFlow + status.DroppedQueueFull + status.DroppedMalformed);
        await PublicationHost.AwaitStatusAsync(host.ClientActor, s => s.LiveStreams == 0);
        Assert.Equal(Total, (await server.WaitForEventsAsync("datagram-received", (int)Total)).Count);
    }
}
