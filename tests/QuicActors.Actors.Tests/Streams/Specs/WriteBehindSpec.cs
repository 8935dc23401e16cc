using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// Write-behind (<see cref="ConnectionActorSettings.WriteBehindBytes"/>): a write within the stream's budget completes at
/// once and its bytes still reach the peer whole and in order; beyond the budget a write waits for the engine, so the
/// send backpressure stays; a write that completed and then failed is reported by the next write.
/// </summary>
public sealed class WriteBehindSpec(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Writes_within_the_budget_complete_at_once_and_arrive_whole_and_in_order()
    {
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, async (stream, _) =>
        {
            received.TrySetResult(await ReadToEndAsync(stream));
        });
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);

        var expected = new List<byte>();
        for (var i = 0; i < 200; i++)
        {
            var chunk = Enumerable.Range(0, 1 + (i % 37)).Select(b => (byte)(i + b)).ToArray();
            var write = stream.WriteAsync(chunk, completeWrites: i == 199);
            Assert.True(write.IsCompletedSuccessfully, $"write {i} of {chunk.Length} bytes did not complete at once");
            expected.AddRange(chunk);
            Array.Clear(chunk); // the handle copied it: reusing the caller's buffer must not change what is sent
        }

        Assert.Equal(expected, await received.Task.WaitAsync(Wait));
        await AwaitBudgetFreedAsync(stream);
    }

    [Fact]
    public async Task A_write_beyond_the_budget_waits_for_the_engine_while_the_peer_does_not_read()
    {
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, async (stream, _) =>
        {
            await reading.Task;
            received.TrySetResult(await ReadToEndAsync(stream));
        });
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);

        // The peer's window (256 KiB) and the engine's send buffer (64 KiB) fill up; the write-behind budget (64 KiB) is
        // then held by writes the engine has queued but not made room for, so a later write must wait.
        var chunk = new byte[16 * 1024];
        var writes = 0;
        Task? waiting = null;
        while (waiting is null && writes < 64)
        {
            Array.Fill(chunk, (byte)writes);
            var write = stream.WriteAsync(chunk);
            writes++;
            if (!await CompletesWithinAsync(write, TimeSpan.FromMilliseconds(300)))
            {
                waiting = write;
            }
        }

        Assert.NotNull(waiting);
        Assert.True(writes > (256 + 64) / 16, $"a write waited after only {writes} writes of 16 KiB");
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted, "the write beyond the budget completed while the peer read nothing");

        reading.SetResult();
        await waiting.WaitAsync(Wait);
        await stream.CompleteWritesAsync().WaitAsync(Wait);
        var bytes = await received.Task.WaitAsync(Wait);
        Assert.Equal(writes * chunk.Length, bytes.Length);
        for (var i = 0; i < writes; i++)
        {
            Assert.All(bytes.AsSpan(i * chunk.Length, chunk.Length).ToArray(), b => Assert.Equal((byte)i, b));
        }

        await AwaitBudgetFreedAsync(stream);
    }

    [Fact]
    public async Task The_peers_stop_sending_fails_a_later_write_with_its_code()
    {
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, (stream, _) =>
        {
            stream.Abort(StreamAbortDirection.Read, 7);
            return Task.CompletedTask;
        });
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);

        // Writes complete at once until the STOP_SENDING is known here; from then on every write fails with its code.
        var deadline = DateTime.UtcNow + Wait;
        StreamAbortedException? failure = null;
        while (failure is null && DateTime.UtcNow < deadline)
        {
            try
            {
                await stream.WriteAsync(new byte[100]).WaitAsync(Wait);
                await Task.Delay(5);
            }
            catch (StreamAbortedException ex)
            {
                failure = ex;
            }
        }

        Assert.NotNull(failure);
        Assert.Equal(7, failure.ErrorCode);
        Assert.True(failure.ByPeer);
        await Assert.ThrowsAsync<StreamAbortedException>(() => stream.WriteAsync(new byte[1]).WaitAsync(Wait));
    }

    [Fact]
    public async Task A_failure_after_a_write_completed_is_reported_by_the_next_write()
    {
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, (_, _) => Task.CompletedTask);
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync(new byte[10]).WaitAsync(Wait);
        await AwaitBudgetFreedAsync(stream);

        // What the stream actor reports when a write it was handed after the handle answered fails (its settle path).
        var failure = new InvalidOperationException("the engine refused the bytes");
        stream.OnWriteBehindSettled(0, failure);

        var next = await Assert.ThrowsAsync<InvalidOperationException>(() => stream.WriteAsync(new byte[1]).WaitAsync(Wait));
        Assert.Same(failure, next);
        Assert.Equal(0, stream.BytesBehind);
    }

    [Fact]
    public async Task With_no_budget_every_write_is_answered_by_the_stream_actor()
    {
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = new ConnectionActorSettings { InboundBidirectionalLimit = 10, StreamHandler = async (stream, _) => received.TrySetResult(await ReadToEndAsync(stream)) };
        await using var host = await StreamSpecHost.StartAsync(Sys, SpecEngine.InMemory(VirtualTime!), server, new ConnectionActorSettings { WriteBehindBytes = 0 });
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);

        for (var i = 0; i < 20; i++)
        {
            await stream.WriteAsync(new[] { (byte)i }, completeWrites: i == 19).WaitAsync(Wait);
            Assert.Equal(0, stream.BytesBehind);
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (byte)i), await received.Task.WaitAsync(Wait));
    }

    [Fact]
    public void The_budget_must_be_within_its_bounds()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionActorSettings { WriteBehindBytes = -1 });
        Assert.Equal(-1, ex.ActualValue);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionActorSettings { WriteBehindBytes = ConnectionActorSettings.MaxWriteBehindBytes + 1 });
        Assert.Equal(ConnectionActorSettings.MaxWriteBehindBytes, new ConnectionActorSettings { WriteBehindBytes = ConnectionActorSettings.MaxWriteBehindBytes }.WriteBehindBytes);
    }

    private static async Task<byte[]> ReadToEndAsync(StreamHandle stream)
    {
        var all = new List<byte>();
        var buffer = new byte[4096];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            all.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        return [.. all];
    }

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout)
    {
        await Task.WhenAny(task, Task.Delay(timeout));
        return task.IsCompleted;
    }

    private static async Task AwaitBudgetFreedAsync(StreamHandle stream)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (stream.BytesBehind != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.Equal(0, stream.BytesBehind);
    }
}
