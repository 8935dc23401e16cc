using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>The linger policy on live streams: a released handle's send half gets its FIN, its receive half is drained and then stopped.</summary>
public sealed class LingerSpec(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_released_send_half_is_finished_with_fin_under_linger()
    {
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, (_, _) => Task.CompletedTask);
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync(new byte[64], completeWrites: true).WaitAsync(Wait);

        // The handler wrote nothing and returned: the policy sends the FIN, so the client reads EOF.
        Assert.Equal(0, await stream.ReadAsync(new byte[8]).WaitAsync(Wait));
        await AwaitServerSettledAsync(host);
    }

    [Fact]
    public async Task In_raw_mode_a_released_send_half_stays_open()
    {
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.RawMode, (_, _) => Task.CompletedTask);
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync(new byte[64], completeWrites: true).WaitAsync(Wait);
        var read = stream.ReadAsync(new byte[8]);
        Advance(TimeSpan.FromSeconds(10));
        await Task.Delay(100);
        Assert.False(read.IsCompleted, "nothing finishes the server's send half in raw mode");
        Assert.Equal(1, (await ConnectionActor.GetStatusAsync(host.ServerActor)).InboundBidirectionalInUse);
    }

    [Fact]
    public async Task A_released_receive_half_is_drained_for_the_time_bound_then_stopped_with_the_policy_code()
    {
        var policy = LingerPolicy.Default with { ReceiveDrainMaxTime = TimeSpan.FromSeconds(1), StopSendingErrorCode = 77 };
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, policy, (_, _) => Task.CompletedTask);
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync(new byte[64]).WaitAsync(Wait);
        Assert.Equal(0, await stream.ReadAsync(new byte[8]).WaitAsync(Wait));

        // Still draining: the client may keep writing.
        await Task.Delay(50);
        await stream.WriteAsync(new byte[64]).WaitAsync(Wait);
        Assert.Equal(SendState.Send, stream.SendState);

        Advance(TimeSpan.FromSeconds(1));
        await AwaitStoppedByPeerAsync(stream, 77);
        await AwaitServerSettledAsync(host);
    }

    [Fact]
    public async Task A_released_receive_half_is_stopped_once_the_byte_bound_is_drained_without_waiting_for_the_time_bound()
    {
        var policy = LingerPolicy.Default with { ReceiveDrainMaxTime = TimeSpan.FromHours(1), ReceiveDrainMaxBytes = 100, StopSendingErrorCode = 78 };
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, policy, (_, _) => Task.CompletedTask);
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync(new byte[64]).WaitAsync(Wait);
        Assert.Equal(0, await stream.ReadAsync(new byte[8]).WaitAsync(Wait));

        // 64 bytes drained: under the bound, the client may go on writing.
        await Task.Delay(50);
        Assert.Equal(SendState.Send, stream.SendState);

        // 128 bytes drained: over the bound, STOP_SENDING goes out at once, with no virtual time passing.
        await stream.WriteAsync(new byte[64]).WaitAsync(Wait);
        await AwaitStoppedByPeerAsync(stream, 78);
        await AwaitServerSettledAsync(host);
    }

    [Fact]
    public async Task A_fin_that_is_not_acknowledged_within_the_timeout_is_replaced_by_a_reset_with_the_policy_code()
    {
        var policy = LingerPolicy.Default with { FinAckTimeout = TimeSpan.FromSeconds(3), ResetErrorCode = 79 };
        // The handler queues more than the client's stream window with FIN and returns: the client never reads, so the
        // FIN cannot arrive, and nothing acknowledges it.
        var payload = new byte[8 * 1024 * 1024];
        var finQueued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, policy, async (stream, cancellation) =>
        {
            _ = stream.WriteAsync(payload, completeWrites: true);

            // The FIN clock starts when the send half reaches Data Sent: the test advances time only after that.
            var queuedBy = DateTime.UtcNow + Wait;
            while (stream.SendState != SendState.DataSent && DateTime.UtcNow < queuedBy && !cancellation.IsCancellationRequested)
            {
                await Task.Delay(5, CancellationToken.None);
            }

            finQueued.TrySetResult();
        });
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync(new byte[64], completeWrites: true).WaitAsync(Wait);
        await finQueued.Task.WaitAsync(Wait);

        Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(100);
        Assert.Equal(ReceiveState.Recv, stream.ReceiveState);

        Advance(TimeSpan.FromSeconds(1));
        var deadline = DateTime.UtcNow + Wait;
        while (stream.ReceiveState == ReceiveState.Recv && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(ReceiveState.ResetRecvd, stream.ReceiveState);
        var ex = await Assert.ThrowsAsync<StreamAbortedException>(() => ReadToEndAsync(stream));
        Assert.Equal(79, ex.ErrorCode);
        Assert.True(ex.ByPeer);
        await stream.DisposeAsync();
        await AwaitServerSettledAsync(host);
    }

    /// <summary>The server's STOP_SENDING reaches the client's send half: the next write fails with the policy's code.</summary>
    private static async Task AwaitStoppedByPeerAsync(StreamHandle stream, long code)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (stream.SendState == SendState.Send && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        var ex = await Assert.ThrowsAsync<StreamAbortedException>(() => stream.WriteAsync(new byte[1]).WaitAsync(Wait));
        Assert.Equal(code, ex.ErrorCode);
        Assert.True(ex.ByPeer);
    }

    private static async Task ReadToEndAsync(StreamHandle stream)
    {
        var buffer = new byte[64 * 1024];
        while (await stream.ReadAsync(buffer).WaitAsync(Wait) > 0)
        {
        }
    }

    private static async Task AwaitServerSettledAsync(StreamSpecHost host)
    {
        var deadline = DateTime.UtcNow + Wait;
        ConnectionStatus status;
        do
        {
            status = await ConnectionActor.GetStatusAsync(host.ServerActor);
            await Task.Delay(10);
        }
        while ((status.LiveStreams != 0 || status.InboundBidirectionalInUse != 0) && DateTime.UtcNow < deadline);
        Assert.Equal(0, status.LiveStreams);
        Assert.Equal(1, status.InboundBidirectionalReleased);
        Assert.Empty(status.InvariantViolations);
    }
}
