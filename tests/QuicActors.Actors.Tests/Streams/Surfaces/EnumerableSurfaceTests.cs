using QuicActors.Streams;
using Xunit.Abstractions;
using static QuicActors.Actors.Tests.Streams.Surfaces.SurfaceTestSupport;

namespace QuicActors.Actors.Tests.Streams.Surfaces;

/// <summary>
/// <see cref="StreamHandleSurfaces.ReadAllAsync(StreamHandle, CancellationToken)"/> and
/// <see cref="StreamHandleSurfaces.WriteAllAsync"/> through the actors over the in-memory engine.
/// </summary>
public sealed class EnumerableSurfaceTests(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    [Fact]
    public async Task Chunks_cross_both_ways_through_a_peer_that_pipes_its_reads_into_its_writes()
    {
        var (host, client) = await StartAsync(Sys, VirtualTime!, (stream, _) => stream.WriteAllAsync(stream.ReadAllAsync(CancellationToken.None), cancellationToken: CancellationToken.None));
        await using var _ = host;

        var sent = Pattern(500_000);
        var writing = client.WriteAllAsync(RandomChunksAsync(sent, seed: 3));
        using var received = new MemoryStream();
        await foreach (var chunk in client.ReadAllAsync(new StreamSurfaceOptions { ReadBufferSize = 4096 }))
        {
            Assert.InRange(chunk.Length, 1, 4096);
            received.Write(chunk.Span);
        }

        await writing.WaitAsync(Wait);
        Assert.Equal(sent, received.ToArray());
        await EventuallyAsync(() => client.ReceiveState == ReceiveState.DataRead, "the receive half reaches DataRead");
    }

    public static TheoryData<string, long> SourceFailures => new()
    {
        { "abort-exception", 6 },
        { "other-exception", 5 },
    };

    [Theory]
    [MemberData(nameof(SourceFailures))]
    public async Task A_failing_source_resets_the_stream_and_the_peer_enumeration_throws_that_code(string failure, long expectedCode)
    {
        var serverSaw = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, client) = await StartAsync(Sys, VirtualTime!, async (stream, _) =>
        {
            try
            {
                await foreach (var unused in stream.ReadAllAsync(CancellationToken.None))
                {
                }

                serverSaw.TrySetResult(null);
            }
            catch (Exception ex)
            {
                serverSaw.TrySetResult(ex);
            }
        });
        await using var _ = host;

        Exception thrown = failure == "abort-exception" ? new StreamAbortedException(StreamHalf.Send, 6, byPeer: false) : new InvalidDataException("the source broke");
        var writing = client.WriteAllAsync(FailingAfterAsync(Pattern(3000), thrown), options: new StreamSurfaceOptions { WriteFailedErrorCode = 5 });
        var rethrown = await Assert.ThrowsAnyAsync<Exception>(() => writing.WaitAsync(Wait));
        Assert.Same(thrown, rethrown);

        var aborted = Assert.IsType<StreamAbortedException>(await serverSaw.Task.WaitAsync(Wait));
        Assert.Equal(expectedCode, aborted.ErrorCode);
        Assert.True(aborted.ByPeer);
    }

    [Fact]
    public async Task A_peer_stop_sending_ends_write_all_with_the_peer_code()
    {
        var (host, client) = await StartAsync(Sys, VirtualTime!, async (stream, token) =>
        {
            await foreach (var unused in stream.ReadAllAsync(CancellationToken.None))
            {
                break;
            }

            stream.Abort(StreamAbortDirection.Read, 8);
            await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await using var _ = host;

        var aborted = await Assert.ThrowsAsync<StreamAbortedException>(() => client.WriteAllAsync(EndlessAsync()).WaitAsync(Wait));
        Assert.Equal(8, aborted.ErrorCode);
        Assert.True(aborted.ByPeer);
    }

    [Fact]
    public async Task Cancelling_the_enumeration_sends_stop_sending_with_the_abandoned_read_code()
    {
        using var cancel = new CancellationTokenSource();
        var serverSaw = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, client) = await StartAsync(Sys, VirtualTime!, async (stream, token) =>
        {
            try
            {
                await foreach (var unused in stream.ReadAllAsync(new StreamSurfaceOptions { ReadAbandonedErrorCode = 17 }, cancel.Token))
                {
                    firstChunk.TrySetResult();
                }

                serverSaw.TrySetResult(null);
            }
            catch (Exception ex)
            {
                serverSaw.TrySetResult(ex);
            }

            await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await using var _ = host;

        await client.WriteAsync(Pattern(10)).WaitAsync(Wait);
        await firstChunk.Task.WaitAsync(Wait);
        await Task.Delay(20);
        await cancel.CancelAsync();
        Assert.IsAssignableFrom<OperationCanceledException>(await serverSaw.Task.WaitAsync(Wait));

        var aborted = Assert.IsType<StreamAbortedException>(await WriteUntilFailureAsync(client));
        Assert.Equal(17, aborted.ErrorCode);
        Assert.True(aborted.ByPeer);
    }

    [Fact]
    public async Task Leaving_the_loop_early_loses_no_byte()
    {
        var (host, client) = await StartAsync(Sys, VirtualTime!, async (stream, _) => await stream.WriteAsync(Pattern(100_000), completeWrites: true));
        await using var _ = host;
        await client.CompleteWritesAsync().WaitAsync(Wait);

        using var received = new MemoryStream();
        await foreach (var chunk in client.ReadAllAsync(CancellationToken.None))
        {
            received.Write(chunk.Span);
            break;
        }

        Assert.True(received.Length > 0);
        await foreach (var chunk in client.ReadAllAsync(CancellationToken.None))
        {
            received.Write(chunk.Span);
        }

        Assert.Equal(Pattern(100_000), received.ToArray());
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> RandomChunksAsync(byte[] bytes, int seed)
    {
        var random = new Random(seed);
        // One buffer reused for every chunk: WriteAllAsync must be done with a chunk before asking for the next.
        var buffer = new byte[20_000];
        for (var offset = 0; offset < bytes.Length;)
        {
            var count = Math.Min(random.Next(0, buffer.Length), bytes.Length - offset);
            bytes.AsSpan(offset, count).CopyTo(buffer);
            offset += count;
            await Task.Yield();
            yield return buffer.AsMemory(0, count);
            buffer.AsSpan(0, count).Clear();
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> FailingAfterAsync(byte[] first, Exception failure)
    {
        yield return first;
        await Task.Yield();
        throw failure;
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> EndlessAsync()
    {
        var chunk = Pattern(16 * 1024);
        while (true)
        {
            await Task.Yield();
            yield return chunk;
        }
    }
}
