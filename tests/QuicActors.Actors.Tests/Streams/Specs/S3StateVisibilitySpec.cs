using System.Diagnostics;
using QuicActors.Actors.Tests.Streams.Publication;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using QuicActors.TestKit;

/// <summary>
/// S3, state visibility (issue 5): a peer's STOP_SENDING or RESET_STREAM is published at once, with its cause and code,
/// to the connection's subscribers, and the datagram flow bound to the stream (RFC 9297 §2) follows: sends are refused
/// once the send half is reset, datagrams for a closed receive half are dropped and counted, and the flow is removed
/// exactly once when both halves are terminal, in either order; 50 flows a second leave the flow table empty.
/// Both ends are ours; one sealed subclass per engine: in memory on the virtual clock (nothing advances time unless a
/// test says so, and the 50 flows a second run for the full 60 s), and ngtcp2 over loopback on the wall clock (a
/// scaled flow run). The quic-go variants are <see cref="S3StateVisibilityQuicGoServerSpec"/> and
/// <see cref="S3StateVisibilityQuicGoClientSpec"/>.
/// </summary>
public abstract class S3StateVisibilitySpec(ITestOutputHelper output, bool useVirtualTime) : QuicActors.TestKit.TestKit(output, useVirtualTime)
{
    /// <summary>max_datagram_frame_size both ends advertise (RFC 9221 §3).</summary>
    internal const int MaxDatagramFrameSize = 1200;

    /// <summary>
    /// "Published at once" on the wall clock: the frame crosses loopback in well under a millisecond, so this bound leaves
    /// room for a loaded CI machine while staying far below anything that could stand in for a local write (the idle
    /// timeout, the linger policy, the leak deadline, a test's 10 s wait).
    /// </summary>
    internal static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(1);

    internal static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    // The peer may already have acknowledged the RESET_STREAM (Reset Recvd) by the time the test looks.
    internal static readonly SendState?[] ResetStates = [SendState.ResetSent, SendState.ResetRecvd];

    /// <summary>The engine this run uses; the host takes ownership.</summary>
    private protected abstract SpecEngine CreateEngine();

    [SkippableFact]
    public async Task Peer_stop_sending_7_is_published_at_once_the_reset_carries_7_and_a_datagram_is_refused()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var clientMetrics = new QuicActorsMetrics();
        using var recorder = new MetricRecorder(clientMetrics);
        await using var host = await StreamSpecHost.StartAsync(
            Sys,
            CreateEngine(),
            new ConnectionActorSettings
            {
                DatagramFlows = true,
                StreamHandler = async (stream, _) =>
                {
                    stream.Abort(StreamAbortDirection.Read, 7);
                    await release.Task;
                },
            },
            new ConnectionActorSettings { DatagramFlows = true, Metrics = clientMetrics },
            MaxDatagramFrameSize);
        var client = CreateTestProbe("client-transitions");
        var server = CreateTestProbe("server-transitions");
        host.ClientActor.Tell(new SubscribeTransitions(client.Ref), ActorRefs.NoSender);
        host.ServerActor.Tell(new SubscribeTransitions(server.Ref), ActorRefs.NoSender);

        var stream = await OpenAsync(host.ClientActor);
        Assert.True(stream.HasDatagramFlow);
        var startedAt = VirtualTime?.Elapsed;
        await stream.WriteAsync("x"u8.ToArray()).WaitAsync(Wait);
        var written = Stopwatch.GetTimestamp();

        // No write is pending and the client does nothing more: the reset must still be published, at once.
        var opened = client.ExpectMsg<StreamTransition>(Wait);
        Assert.Equal((SendState.Ready, SendState.Send, TransitionCause.LocalWrite), (opened.Send.From, opened.Send.To, opened.Cause));
        var reset = client.ExpectMsg<StreamTransition>(Wait);
        AssertPublishedAtOnce(startedAt, written, "the send half's Reset Sent after the peer's STOP_SENDING");
        AssertStopSendingReset(reset, 7);
        Assert.Contains(stream.SendState, ResetStates);

        // The RESET_STREAM that answers it carries the same code (RFC 9000 §3.5), as the server's receive half saw it.
        var peerReset = server.FishForMessage<StreamTransition>(t => t.Half == StreamHalf.Receive && t.Cause == TransitionCause.PeerReset, Wait);
        Assert.Equal(7UL, peerReset.Receive.ErrorCode);

        await AssertDatagramRefusedAsync(stream, host.ClientActor, recorder, sentBefore: 0);

        // Nothing reached the wire for the refused datagram: a raw datagram for the same stream, sent past the actors,
        // is the only one the server ever sees (it drops it: its receive half stopped).
        Assert.True(host.ClientConnection.SendDatagram([(byte)QuarterOf(stream), 0xFF]));
        var serverDatagrams = await PublicationHost.AwaitDatagramsAsync(host.ServerActor, s => Received(s) >= 1);
        Assert.Equal((1L, 1L), (Received(serverDatagrams), serverDatagrams.DroppedReceiveClosed));
        release.SetResult();
        await stream.DisposeAsync();
    }

    [SkippableFact]
    public async Task Peer_reset_while_the_application_never_reads_is_published_and_datagrams_for_the_stream_are_dropped_and_counted()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverStream = new TaskCompletionSource<StreamHandle>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var serverMetrics = new QuicActorsMetrics();
        using var recorder = new MetricRecorder(serverMetrics);
        await using var host = await StreamSpecHost.StartAsync(
            Sys,
            CreateEngine(),
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
            new ConnectionActorSettings { DatagramFlows = true },
            MaxDatagramFrameSize);
        var server = CreateTestProbe("server-transitions");
        host.ServerActor.Tell(new SubscribeTransitions(server.Ref), ActorRefs.NoSender);

        var stream = await OpenAsync(host.ClientActor);
        await stream.WriteAsync("x"u8.ToArray()).WaitAsync(Wait);
        var handled = await serverStream.Task.WaitAsync(Wait);
        var startedAt = VirtualTime?.Elapsed;
        var resetAt = Stopwatch.GetTimestamp();
        stream.Abort(StreamAbortDirection.Write, 9);

        var reset = server.FishForMessage<StreamTransition>(t => t.Half == StreamHalf.Receive && t.Cause == TransitionCause.PeerReset, Wait);
        AssertPublishedAtOnce(startedAt, resetAt, "the receive half's Reset Recvd after the peer's RESET_STREAM");
        Assert.Equal((ReceiveState.Recv, ReceiveState.ResetRecvd, 9UL), (reset.Receive.From, reset.Receive.To, reset.Receive.ErrorCode));
        Assert.Equal(ReceiveState.ResetRecvd, handled.ReceiveState);

        // Datagrams the client had in flight when it reset (its own flow refuses them now): sent raw, as a peer would.
        for (var i = 0; i < 3; i++)
        {
            Assert.True(host.ClientConnection.SendDatagram([(byte)QuarterOf(stream), (byte)i]));
        }

        await AssertDroppedAfterResetAsync(host.ServerActor, handled, recorder, 3);
        release.SetResult();
        await stream.DisposeAsync();
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Both_halves_closing_in_either_order_remove_the_flow_exactly_once(bool sendHalfFirst)
    {
        using var serverMetrics = new QuicActorsMetrics();
        using var recorder = new MetricRecorder(serverMetrics);
        await using var host = await StreamSpecHost.StartAsync(
            Sys,
            CreateEngine(),
            new ConnectionActorSettings
            {
                DatagramFlows = true,
                Metrics = serverMetrics,
                StreamHandler = sendHalfFirst ? ReplyThenReadAsync : ReadThenReplyAsync,
            },
            new ConnectionActorSettings { DatagramFlows = true },
            MaxDatagramFrameSize);
        var server = CreateTestProbe("server-transitions");
        host.ServerActor.Tell(new SubscribeTransitions(server.Ref), ActorRefs.NoSender);

        await using (var stream = await OpenAsync(host.ClientActor))
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

        AssertTerminalOrder(server, sendHalfFirst);
        await PublicationHost.AwaitStatusAsync(host.ServerActor, s => s.LiveStreams == 0);
        foreach (var actor in new[] { host.ServerActor, host.ClientActor })
        {
            var status = await PublicationHost.AwaitDatagramsAsync(actor, s => s.ActiveFlows == 0);
            Assert.Equal((1L, 1L), (status.FlowsBound, status.FlowsRemoved));
        }

        AssertFlowAddedAndRemovedOnce(recorder);
    }

    /// <summary>
    /// Opens <paramref name="perSecond"/> flows at the start of each of <paramref name="seconds"/> seconds (virtual or
    /// wall clock), each one a stream with one datagram echoed and the stream closed both ways; afterwards neither end has
    /// a flow left and every datagram was delivered.
    /// </summary>
    private protected async Task RunFlowsAsync(int perSecond, int seconds)
    {
        await using var host = await StreamSpecHost.StartAsync(
            Sys,
            CreateEngine(),
            new ConnectionActorSettings { DatagramFlows = true, StreamHandler = EchoDatagramThenStreamAsync },
            new ConnectionActorSettings { DatagramFlows = true },
            MaxDatagramFrameSize);
        if (VirtualTime is not null)
        {
            var start = VirtualTime.Elapsed;
            for (var second = 0; second < seconds; second++)
            {
                await Task.WhenAll(Enumerable.Range(second * perSecond, perSecond).Select(i => RunFlowAsync(host.ClientActor, i))).WaitAsync(Wait);
                Advance(TimeSpan.FromSeconds(1));
            }

            Assert.Equal(TimeSpan.FromSeconds(seconds), VirtualTime.Elapsed - start);
        }
        else
        {
            await RunPacedAsync(perSecond, seconds, i => RunFlowAsync(host.ClientActor, i));
        }

        long total = perSecond * seconds;
        foreach (var actor in new[] { host.ServerActor, host.ClientActor })
        {
            var status = await PublicationHost.AwaitDatagramsAsync(actor, s => s.ActiveFlows == 0 && s.FlowsRemoved == total);
            Assert.Equal(total, status.FlowsBound);
            Assert.Equal((total, total, 0L), (status.Sent, status.Delivered, status.Refused));
            Assert.Equal(0L, status.DroppedReceiveClosed + status.DroppedNoFlow + status.DroppedQueueFull + status.DroppedMalformed);
        }

        var connection = await PublicationHost.AwaitStatusAsync(host.ServerActor, s => s.LiveStreams == 0);
        Assert.Equal(total, connection.InboundBidirectionalReleased);
    }

    /// <summary>On the virtual clock no time may pass at all; on the wall clock, less than <see cref="AtOnce"/>.</summary>
    private protected void AssertPublishedAtOnce(TimeSpan? virtualStart, long wallStart, string what)
    {
        if (virtualStart is { } start)
        {
            Assert.Equal(start, VirtualTime!.Elapsed);
        }
        else
        {
            AssertAtOnce(Stopwatch.GetElapsedTime(wallStart), what);
        }
    }

    internal static void AssertAtOnce(TimeSpan elapsed, string what) =>
        Assert.True(elapsed < AtOnce, $"{what} was published {elapsed.TotalMilliseconds:F0} ms after the frame was provoked; 'at once' allows {AtOnce.TotalMilliseconds:F0} ms.");

    internal static Task<StreamHandle> OpenAsync(IActorRef clientActor) =>
        ConnectionActor.OpenStreamAsync(clientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);

    /// <summary>The quarter stream ID that prefixes the stream's datagrams (RFC 9297 §2.1); the specs keep it to one varint byte.</summary>
    internal static long QuarterOf(StreamHandle stream)
    {
        var quarter = stream.StreamId.Value >> 2;
        Assert.InRange(quarter, 0, 63);
        return quarter;
    }

    internal static long Received(DatagramFlowStatus s) =>
        s.Delivered + s.DroppedReceiveClosed + s.DroppedNoFlow + s.DroppedQueueFull + s.DroppedMalformed;

    /// <summary>The send half went to Reset Sent because the peer sent STOP_SENDING with <paramref name="code"/>.</summary>
    internal static void AssertStopSendingReset(StreamTransition reset, ulong code)
    {
        Assert.Equal(StreamHalf.Send, reset.Half);
        Assert.Equal((SendState.ResetSent, TransitionCause.PeerStopSending, code), (reset.Send.To, reset.Cause, reset.Send.ErrorCode));
    }

    /// <summary>A datagram on <paramref name="stream"/>, whose send half is reset, is refused and counted as such.</summary>
    internal static async Task AssertDatagramRefusedAsync(StreamHandle stream, IActorRef connectionActor, MetricRecorder recorder, long sentBefore)
    {
        var refused = await Assert.ThrowsAsync<StreamDatagramRefusedException>(() => stream.SendDatagramAsync("late"u8.ToArray()).WaitAsync(Wait));
        Assert.Equal(DatagramSendVerdict.SendHalfClosed, refused.Verdict);
        Assert.Contains(refused.SendState, ResetStates);
        Assert.Equal(stream.StreamId, refused.StreamId);
        var status = await ConnectionActor.GetDatagramStatusAsync(connectionActor).WaitAsync(Wait);
        Assert.Equal((sentBefore, 1L), (status.Sent, status.Refused));
        Assert.Equal(1, recorder.Sum("quicactors.datagrams.refused", ("quicactors.datagram.reason", "send-half-closed")));
    }

    /// <summary>
    /// <paramref name="count"/> datagrams that arrived for <paramref name="stream"/> after its receive half was reset were
    /// dropped and counted (status and metric), none delivered, and a datagram read on the stream ends at once.
    /// </summary>
    internal static async Task AssertDroppedAfterResetAsync(IActorRef connectionActor, StreamHandle stream, MetricRecorder recorder, int count)
    {
        var status = await PublicationHost.AwaitDatagramsAsync(connectionActor, s => s.DroppedReceiveClosed == count);
        Assert.Equal(0, status.Delivered);
        Assert.Equal(count, recorder.Sum("quicactors.datagrams.dropped", ("quicactors.datagram.reason", "receive-half-closed")));
        Assert.Equal(-1, await stream.ReadDatagramAsync(new byte[16]).AsTask().WaitAsync(Wait));
    }

    /// <summary>The first two terminal transitions on <paramref name="transitions"/> come in the order the handler chose.</summary>
    internal static void AssertTerminalOrder(TestProbe transitions, bool sendHalfFirst)
    {
        var terminals = new List<StreamHalf>();
        while (terminals.Count < 2)
        {
            var transition = transitions.ExpectMsg<StreamTransition>(Wait);
            if (transition.IsTerminal)
            {
                terminals.Add(transition.Half);
            }
        }

        Assert.Equal(sendHalfFirst ? [StreamHalf.Send, StreamHalf.Receive] : new[] { StreamHalf.Receive, StreamHalf.Send }, terminals);
    }

    /// <summary>The active-flows gauge moved up once and down once.</summary>
    internal static void AssertFlowAddedAndRemovedOnce(MetricRecorder recorder) =>
        Assert.Equal([1.0, -1.0], recorder.Of("quicactors.datagrams.flows.active").Select(m => m.Value));

    /// <summary>
    /// Starts <paramref name="perSecond"/> flows at the start of each of <paramref name="seconds"/> wall-clock seconds
    /// and returns when the last second has passed. A batch that overruns its second (a loaded machine) delays the next
    /// one rather than failing: the rate is the load, not the property under test.
    /// </summary>
    internal static async Task RunPacedAsync(int perSecond, int seconds, Func<int, Task> flow)
    {
        var clock = Stopwatch.StartNew();
        for (var second = 0; second < seconds; second++)
        {
            await Task.WhenAll(Enumerable.Range(second * perSecond, perSecond).Select(flow)).WaitAsync(Wait);
            // Task.Delay may end a timer tick early; the next second starts only once it has begun.
            while (TimeSpan.FromSeconds(second + 1) - clock.Elapsed is { Ticks: > 0 } rest)
            {
                await Task.Delay(rest + TimeSpan.FromMilliseconds(1));
            }
        }
    }

    /// <summary>One flow: open, write, one datagram echoed on the flow, FIN, read the peer's half to EOF.</summary>
    internal static async Task RunFlowAsync(IActorRef clientActor, int index)
    {
        await using var stream = await OpenAsync(clientActor);
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

    /// <summary>Echoes the flow's first datagram, reads the request to EOF, then ends its own half with a FIN.</summary>
    internal static async Task EchoDatagramThenStreamAsync(StreamHandle stream, CancellationToken token)
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

    /// <summary>Sends the reply with FIN, waits until the peer acknowledged it (send half terminal), then reads to EOF.</summary>
    internal static async Task ReplyThenReadAsync(StreamHandle stream, CancellationToken token)
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
        var buffer = new byte[64];
        while (await stream.ReadAsync(buffer) > 0)
        {
        }
    }

    /// <summary>Reads to EOF (receive half terminal), then sends the reply with FIN.</summary>
    internal static async Task ReadThenReplyAsync(StreamHandle stream, CancellationToken token)
    {
        var buffer = new byte[64];
        while (await stream.ReadAsync(buffer) > 0)
        {
        }

        await stream.WriteAsync("reply"u8.ToArray(), completeWrites: true);
    }

    /// <summary>An observer that runs an action per transition.</summary>
    internal sealed class OnTransition(Action<StreamTransition> action) : IObserver<StreamTransition>
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
