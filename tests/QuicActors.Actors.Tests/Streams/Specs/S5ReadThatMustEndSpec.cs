using System.Text;
using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using System.Diagnostics;
using QuicActors.TestKit;

/// <summary>
/// S5, a read that must end (issue 5): a read deadline fails only that read, at the deadline on the virtual clock, and
/// leaves the stream usable; <see cref="StreamHandle.Abort"/> ends every pending operation at once, and the peer's
/// handler sees the code and its cancellation token fires. Runs once per engine (one sealed subclass each); on the wall
/// clock the deadline is checked within a tolerance instead of to the tick.
/// </summary>
public abstract class S5ReadThatMustEndSpec(ITestOutputHelper output, bool useVirtualTime) : QuicActors.TestKit.TestKit(output, useVirtualTime)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>The engine this run uses; the host takes ownership.</summary>
    private protected abstract SpecEngine CreateEngine();

    /// <summary>
    /// A read with a 500 ms deadline on a stream whose peer sends nothing must fail with <see cref="TimeoutException"/>
    /// at the deadline, not before: to the tick on virtual time, within scheduling slack on the wall clock.
    /// </summary>
    internal static async Task AssertReadDeadlineAsync(StreamHandle stream, QuicActors.TestKit.TestKit kit)
    {
        var buffer = new byte[8];
        if (kit.VirtualTime is { } clock)
        {
            var start = clock.Elapsed;
            var deadlined = stream.ReadAsync(buffer, TimeSpan.FromMilliseconds(500));
            await Task.Delay(50);
            kit.Advance(TimeSpan.FromMilliseconds(499));
            await Task.Delay(50);
            Assert.False(deadlined.IsCompleted, "the read must still wait at 499 ms");
            kit.Advance(TimeSpan.FromMilliseconds(1));
            await Assert.ThrowsAsync<TimeoutException>(() => deadlined.WaitAsync(Wait));
            Assert.Equal(TimeSpan.FromMilliseconds(500), clock.Elapsed - start);
            return;
        }

        var watch = Stopwatch.StartNew();
        var read = stream.ReadAsync(buffer, TimeSpan.FromMilliseconds(500));
        await Task.Delay(300);
        Assert.False(read.IsCompleted, "the read must still wait at 300 ms");
        await Assert.ThrowsAsync<TimeoutException>(() => read.WaitAsync(Wait));
        var elapsed = watch.Elapsed;
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(490), TimeSpan.FromSeconds(3));
    }

    [SkippableFact]
    public async Task A_read_deadline_fails_only_that_read_and_abort_ends_everything_on_both_sides()
    {
        var serverSawAfterTimeout = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverAbort = new TaskCompletionSource<StreamAbortedException>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverTokenFired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var host = await StreamSpecHost.StartAsync(Sys, CreateEngine(), 100, LingerPolicy.Default, async (stream, token) =>
        {
            token.Register(() => serverTokenFired.TrySetResult());
            var buffer = new byte[64];
            var n = await stream.ReadAsync(buffer);
            Assert.Equal("hello", Encoding.ASCII.GetString(buffer, 0, n));
            await stream.WriteAsync("r"u8.ToArray());
            n = await stream.ReadAsync(buffer);
            serverSawAfterTimeout.TrySetResult(Encoding.ASCII.GetString(buffer, 0, n));
            try
            {
                // Replied once; now it never finishes on its own.
                await stream.ReadAsync(buffer);
            }
            catch (StreamAbortedException ex)
            {
                serverAbort.TrySetResult(ex);
            }
        });

        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync("hello"u8.ToArray()).WaitAsync(Wait);
        var reply = new byte[8];
        Assert.Equal(1, await stream.ReadAsync(reply).WaitAsync(Wait));

        await AssertReadDeadlineAsync(stream, this);

        // The stream is still usable in both directions after the timeout.
        Assert.Equal(ReceiveState.Recv, stream.ReceiveState);
        Assert.Equal(SendState.Send, stream.SendState);
        await stream.WriteAsync("again"u8.ToArray()).WaitAsync(Wait);
        Assert.Equal("again", await serverSawAfterTimeout.Task.WaitAsync(Wait));

        var pendingRead = stream.ReadAsync(reply);
        var pendingReadWithDeadline = stream.ReadAsync(reply, TimeSpan.FromMinutes(1));
        await Task.Delay(50);
        Assert.False(pendingRead.IsCompleted);

        stream.Abort(StreamAbortDirection.Both, 9);
        var aborted = await Assert.ThrowsAsync<StreamAbortedException>(() => pendingRead.WaitAsync(Wait));
        Assert.Equal(9, aborted.ErrorCode);
        Assert.False(aborted.ByPeer);
        await Assert.ThrowsAsync<StreamAbortedException>(() => pendingReadWithDeadline.WaitAsync(Wait));

        var seen = await serverAbort.Task.WaitAsync(Wait);
        Assert.Equal(9, seen.ErrorCode);
        Assert.True(seen.ByPeer);
        await serverTokenFired.Task.WaitAsync(Wait);

        // Both sides give the slot back.
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

    [SkippableFact]
    public async Task Abort_fails_a_write_held_back_by_flow_control_at_once_and_the_peer_handler_is_cancelled()
    {
        var serverTokenFired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StreamSpecHost.StartAsync(Sys, CreateEngine(), 100, LingerPolicy.Default, async (stream, token) =>
        {
            // Never reads: the client's data fills the stream window and its send buffer.
            token.Register(() => serverTokenFired.TrySetResult());
            await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);
        });

        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        var write = stream.WriteAsync(new byte[1024 * 1024]);
        await Task.Delay(100);
        Assert.False(write.IsCompleted, "1 MiB cannot fit the peer's window and our send buffer");

        stream.Abort(StreamAbortDirection.Write, 3);
        var aborted = await Assert.ThrowsAsync<StreamAbortedException>(() => write.WaitAsync(Wait));
        Assert.Equal(3, aborted.ErrorCode);
        Assert.False(aborted.ByPeer);
        await serverTokenFired.Task.WaitAsync(Wait);
        await Assert.ThrowsAsync<StreamAbortedException>(() => stream.WriteAsync(new byte[1]).WaitAsync(Wait));
    }
}
