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
        var deadline = DateTime.UtcNow + Wait;
        while (stream.SendState == SendState.Send && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        var ex = await Assert.ThrowsAsync<StreamAbortedException>(() => stream.WriteAsync(new byte[1]).WaitAsync(Wait));
        Assert.Equal(77, ex.ErrorCode);
        Assert.True(ex.ByPeer);
        await AwaitServerSettledAsync(host);
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
