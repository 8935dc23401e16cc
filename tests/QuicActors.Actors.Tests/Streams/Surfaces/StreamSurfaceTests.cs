using QuicActors.Streams;
using Xunit.Abstractions;
using static QuicActors.Actors.Tests.Streams.Surfaces.SurfaceTestSupport;

namespace QuicActors.Actors.Tests.Streams.Surfaces;

/// <summary><see cref="StreamHandleSurfaces.AsStream"/> through the actors over the in-memory engine.</summary>
public sealed class StreamSurfaceTests(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    [Fact]
    public async Task Bytes_cross_both_ways_and_dispose_sends_fin()
    {
        var (host, client) = await StartAsync(Sys, VirtualTime!, async (stream, _) =>
        {
            await using var echo = stream.AsStream();
            await echo.CopyToAsync(echo, CancellationToken.None);
        });
        await using var _ = host;

        await using var stream = client.AsStream();
        Assert.True(stream.CanRead);
        Assert.True(stream.CanWrite);
        Assert.False(stream.CanSeek);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));

        var sent = Pattern(200_000);
        var reading = Task.Run(async () =>
        {
            using var received = new MemoryStream();
            await stream.CopyToAsync(received);
            return received.ToArray();
        });
        for (var offset = 0; offset < sent.Length; offset += 7_000)
        {
            await stream.WriteAsync(sent.AsMemory(offset, Math.Min(7_000, sent.Length - offset))).AsTask().WaitAsync(Wait);
        }

        // A half close keeps the read side: through the handle, not by disposing the stream.
        await client.CompleteWritesAsync().WaitAsync(Wait);
        Assert.Equal(sent, await reading.WaitAsync(Wait));
        await EventuallyAsync(() => client.ReceiveState == ReceiveState.DataRead, "the receive half reaches DataRead");
    }

    [Fact]
    public async Task Read_timeout_is_the_read_deadline_and_leaves_the_stream_usable()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, client) = await StartAsync(Sys, VirtualTime!, async (stream, _) =>
        {
            await release.Task;
            await stream.WriteAsync("late"u8.ToArray(), completeWrites: true);
        });
        await using var _ = host;
        await client.WriteAsync(new byte[1]).WaitAsync(Wait);

        await using var stream = client.AsStream();
        Assert.True(stream.CanTimeout);
        Assert.Equal(Timeout.Infinite, stream.ReadTimeout);
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.ReadTimeout = 0);
        stream.ReadTimeout = 500;
        var buffer = new byte[16];
        var read = stream.ReadAsync(buffer).AsTask();
        await Task.Delay(50);
        Advance(TimeSpan.FromMilliseconds(499));
        await Task.Delay(50);
        Assert.False(read.IsCompleted, "the read must still wait at 499 ms");
        // The read reaches its actor on the thread pool: on a busy machine its timer may start a little after the first
        // advance, so advance well past the deadline rather than by exactly 1 ms (S5 pins the instant for the handle).
        Advance(TimeSpan.FromMilliseconds(501));
        var timedOut = await Assert.ThrowsAsync<TimeoutException>(() => read.WaitAsync(Wait));
        Assert.Contains("deadline of 00:00:00.5000000", timedOut.Message, StringComparison.Ordinal);

        stream.ReadTimeout = Timeout.Infinite;
        var again = stream.ReadAsync(buffer).AsTask();
        release.TrySetResult();
        Assert.Equal("late", System.Text.Encoding.ASCII.GetString(buffer, 0, await again.WaitAsync(Wait)));
        Assert.Equal(0, await stream.ReadAsync(buffer).AsTask().WaitAsync(Wait));
    }

    [Fact]
    public async Task A_peer_reset_fails_a_synchronous_read_with_the_peer_code()
    {
        var (host, client) = await StartAsync(Sys, VirtualTime!, async (stream, _) =>
        {
            await stream.WriteAsync(Pattern(10));
            stream.Abort(StreamAbortDirection.Write, 12);
        });
        await using var _ = host;
        await client.WriteAsync(new byte[1]).WaitAsync(Wait);

        await using var stream = client.AsStream();
        var aborted = await Task.Run(() => Assert.Throws<StreamAbortedException>(() =>
        {
            var buffer = new byte[64];
            while (stream.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        })).WaitAsync(Wait);
        Assert.Equal(12, aborted.ErrorCode);
        Assert.True(aborted.ByPeer);
    }

    [Fact]
    public async Task Dispose_before_the_end_sends_fin_and_stop_sending_with_the_abandoned_read_code()
    {
        var serverRead = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverWriteFailed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, client) = await StartAsync(Sys, VirtualTime!, async (stream, _) =>
        {
            var total = 0;
            await foreach (var chunk in stream.ReadAllAsync(CancellationToken.None))
            {
                total += chunk.Length;
            }

            serverRead.TrySetResult(total);
            serverWriteFailed.TrySetResult(await WriteUntilFailureAsync(stream));
        });
        await using var _ = host;

        var stream = client.AsStream(new StreamSurfaceOptions { ReadAbandonedErrorCode = 23 });
        await stream.WriteAsync(Pattern(5000)).AsTask().WaitAsync(Wait);
        await stream.DisposeAsync();
        Assert.False(stream.CanRead);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => stream.WriteAsync(new byte[1]).AsTask());

        Assert.Equal(5000, await serverRead.Task.WaitAsync(Wait));
        var aborted = Assert.IsType<StreamAbortedException>(await serverWriteFailed.Task.WaitAsync(Wait));
        Assert.Equal(23, aborted.ErrorCode);
        Assert.True(aborted.ByPeer);
    }

    [Fact]
    public async Task A_send_only_stream_cannot_be_read()
    {
        var serverGot = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await Specs.StreamSpecHost.StartAsync(Sys, VirtualTime!, 100, LingerPolicy.Default, async (stream, _) =>
        {
            var total = 0;
            await foreach (var chunk in stream.ReadAllAsync(CancellationToken.None))
            {
                total += chunk.Length;
            }

            serverGot.TrySetResult(total);
        });
        var client = await ConnectionActor.OpenStreamAsync(host.ClientActor, Transport.StreamDirection.Unidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);

        await using (var stream = client.AsStream())
        {
            Assert.False(stream.CanRead);
            Assert.True(stream.CanWrite);
            await Assert.ThrowsAsync<NotSupportedException>(() => stream.ReadAsync(new byte[1]).AsTask());
            await stream.WriteAsync(Pattern(300));
        }

        // Disposing sent FIN.
        Assert.Equal(300, await serverGot.Task.WaitAsync(Wait));
    }

    [Fact]
    public async Task A_cancelled_write_held_back_by_flow_control_resets_with_the_write_failed_code()
    {
        var serverSaw = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, client) = await StartAsync(Sys, VirtualTime!, async (stream, token) =>
        {
            await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);
            try
            {
                await stream.ReadAsync(new byte[16]);
            }
            catch (Exception ex)
            {
                serverSaw.TrySetResult(ex);
            }
        });
        await using var _ = host;

        await using var stream = client.AsStream(new StreamSurfaceOptions { WriteFailedErrorCode = 29 });
        using var cancel = new CancellationTokenSource();
        var write = stream.WriteAsync(new byte[1024 * 1024], cancel.Token).AsTask();
        await Task.Delay(100);
        Assert.False(write.IsCompleted, "1 MiB cannot pass the peer's window and the send buffer");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(Wait));
        var aborted = Assert.IsType<StreamAbortedException>(await serverSaw.Task.WaitAsync(Wait));
        Assert.Equal(29, aborted.ErrorCode);
    }
}
