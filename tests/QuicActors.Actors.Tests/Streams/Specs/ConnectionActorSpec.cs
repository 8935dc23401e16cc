using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>Connection actor behaviours outside the numbered scenarios: crashing handlers, transitions, inert handles.</summary>
public sealed class ConnectionActorSpec(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_crashing_handler_aborts_its_stream_with_the_configured_code_and_the_slot_comes_back()
    {
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 2, LingerPolicy.RawMode, async (stream, _) =>
        {
            await stream.ReadAsync(new byte[1]);
            throw new InvalidOperationException("handler bug");
        });

        for (var i = 0; i < 5; i++)
        {
            await using var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
            await stream.WriteAsync(new byte[8]).WaitAsync(Wait);
            var ex = await Assert.ThrowsAsync<StreamAbortedException>(() => stream.ReadAsync(new byte[8]).WaitAsync(Wait));
            Assert.Equal(new ConnectionActorSettings().HandlerFailureErrorCode, ex.ErrorCode);
            Assert.True(ex.ByPeer);
        }

        var status = await ConnectionActor.GetStatusAsync(host.ServerActor);
        Assert.Empty(status.InvariantViolations);
        Assert.True(status.InboundBidirectionalReleased >= 3, $"5 streams through a limit of 2 need released slots; released {status.InboundBidirectionalReleased}");
    }

    [Fact]
    public async Task Every_transition_is_published_once_in_order_with_its_cause()
    {
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, async (stream, _) =>
        {
            var buffer = new byte[16];
            while (await stream.ReadAsync(buffer) > 0)
            {
            }

            await stream.WriteAsync("ok"u8.ToArray(), completeWrites: true);
        });

        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        var seen = new List<StreamTransition>();
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = stream.Transitions.Subscribe(new Recorder(seen, completed));
        await stream.WriteAsync("hi"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        var buffer = new byte[16];
        while (await stream.ReadAsync(buffer).WaitAsync(Wait) > 0)
        {
        }

        await completed.Task.WaitAsync(Wait);
        string[] sends;
        string[] receives;
        lock (seen)
        {
            sends = [.. seen.Where(t => t.Half == StreamHalf.Send).Select(t => $"{t.Send.From}->{t.Send.To}:{t.Cause}")];
            receives = [.. seen.Where(t => t.Half == StreamHalf.Receive).Select(t => $"{t.Receive.From}->{t.Receive.To}:{t.Cause}")];
        }

        Assert.Equal(["Ready->Send:LocalWrite", "Send->DataSent:LocalFin", "DataSent->DataRecvd:Acknowledged"], sends);
        Assert.Equal(["Recv->SizeKnown:FinReceived", "SizeKnown->DataRecvd:AllDataReceived", "DataRecvd->DataRead:EofRead"], receives);
        Assert.Equal(SendState.DataRecvd, stream.SendState);
        Assert.Equal(ReceiveState.DataRead, stream.ReceiveState);
        Assert.Equal(0, await stream.ReadAsync(buffer).WaitAsync(Wait));
    }

    [Fact]
    public async Task After_the_connection_closed_a_handle_is_inert_and_says_so()
    {
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, (_, token) => Task.Delay(Timeout.Infinite, token));
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await host.CloseClientAsync();

        var deadline = DateTime.UtcNow + Wait;
        while (stream.ReceiveState != ReceiveState.Closed && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        var ex = Assert.Throws<StaleHandleException>(() => stream.Abort(StreamAbortDirection.Both, 1));
        Assert.True(ex.ConnectionClosed);
        Assert.Throws<StaleHandleException>(() => { _ = stream.WriteAsync(new byte[1]); });
        Assert.Throws<StaleHandleException>(() => { _ = stream.ReadAsync(new byte[1]); });
    }

    [Fact]
    public async Task A_unidirectional_stream_has_one_half_per_side_and_its_slot_comes_back()
    {
        var received = new TaskCompletionSource<(int Bytes, bool CanWrite)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.RawMode, async (stream, _) =>
        {
            var buffer = new byte[256];
            var total = 0;
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                total += n;
            }

            received.TrySetResult((total, stream.CanWrite));
        });

        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Unidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        Assert.False(stream.CanRead);
        Assert.Null(stream.ReceiveState);
        Assert.Throws<InvalidOperationException>(() => { _ = stream.ReadAsync(new byte[1]); });
        await stream.WriteAsync(new byte[100], completeWrites: true).WaitAsync(Wait);
        Assert.Equal((100, false), await received.Task.WaitAsync(Wait));

        var deadline = DateTime.UtcNow + Wait;
        ConnectionStatus status;
        do
        {
            status = await ConnectionActor.GetStatusAsync(host.ServerActor);
            await Task.Delay(10);
        }
        while (status.LiveStreams != 0 && DateTime.UtcNow < deadline);
        Assert.Equal(0, status.LiveStreams);
        Assert.Empty(status.InvariantViolations);
    }

    [Fact]
    public async Task The_leak_detector_reports_a_stream_past_its_deadline_with_both_half_states()
    {
        Sys.EventStream.Subscribe<LeakReport>(TestActor);
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.RawMode, async (stream, _) =>
        {
            // Reads the request but never its EOF, and never answers: in raw mode the stream stays.
            var n = 0;
            while (n < 64)
            {
                n += await stream.ReadAsync(new byte[64 - n]);
            }
        }, leakDeadline: TimeSpan.FromSeconds(5));

        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync(new byte[64], completeWrites: true).WaitAsync(Wait);
        await Task.Delay(100);
        Advance(TimeSpan.FromSeconds(4));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        // The report is logged as well as published, with both half states in the line.
        EventFilter.Warning("stream leak: \"stream 0 alive for 00:00:05 (deadline crossed 1x): send Ready, receive DataRecvd\"").ExpectOne(() => Advance(TimeSpan.FromSeconds(1)));
        var report = ExpectMsg<LeakReport>();
        Assert.Equal(0, report.StreamId.Value);
        Assert.Equal(1, report.Crossings);
        Assert.Equal(nameof(SendState.Ready), report.SendHalfState);
        Assert.Equal(nameof(ReceiveState.DataRecvd), report.ReceiveHalfState);
    }

    private sealed class Recorder(List<StreamTransition> seen, TaskCompletionSource completed) : IObserver<StreamTransition>
    {
        public void OnCompleted() => completed.TrySetResult();

        public void OnError(Exception error) => completed.TrySetException(error);

        public void OnNext(StreamTransition value)
        {
            lock (seen)
            {
                seen.Add(value);
            }
        }
    }
}
