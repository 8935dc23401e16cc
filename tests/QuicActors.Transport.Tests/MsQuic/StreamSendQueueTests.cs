using FsCheck;
using FsCheck.Fluent;
using QuicActors.Transport.MsQuic.Internal;

namespace QuicActors.Transport.Tests.MsQuic;

public sealed class StreamSendQueueTests
{
    private static readonly QuicStreamId Stream = new(0);

    [Fact]
    public async Task A_write_that_fits_completes_at_once_and_is_buffered()
    {
        var queue = new StreamSendQueue(10);
        var write = queue.EnqueueAsync(new byte[] { 1, 2, 3 }, fin: false).AsTask();
        Assert.True(write.IsCompletedSuccessfully);
        await write;
        Assert.Equal(3, queue.BufferedBytes);
        Assert.True(queue.TryDequeue(out var chunk));
        Assert.Equal(new byte[] { 1, 2, 3 }, chunk.Memory.ToArray());
        Assert.False(chunk.Fin);
        queue.Release(chunk);
        Assert.Equal(0, queue.BufferedBytes);
    }

    [Fact]
    public void A_write_that_fits_allocates_nothing_once_the_pool_and_queue_are_warm()
    {
        var queue = new StreamSendQueue(1024);
        var data = new byte[64];
        for (var i = 0; i < 100; i++) Cycle(queue, data);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) Cycle(queue, data);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Cycle(StreamSendQueue queue, byte[] data)
        {
            var write = queue.EnqueueAsync(data, fin: false);
            if (!write.IsCompletedSuccessfully) throw new InvalidOperationException("a write that fits must complete synchronously");
            queue.TryDequeue(out var chunk);
            queue.Release(chunk);
        }
    }

    [Fact]
    public async Task A_full_buffer_blocks_the_writer_until_the_writer_loop_frees_room()
    {
        var queue = new StreamSendQueue(4);
        var write = queue.EnqueueAsync(new byte[] { 1, 2, 3, 4, 5, 6 }, fin: true).AsTask();
        Assert.False(write.IsCompleted);
        Assert.Equal(4, queue.BufferedBytes);
        Assert.Equal(1, queue.BlockedWrites);

        Assert.True(queue.TryDequeue(out var first));
        Assert.Equal(4, first.Length);
        Assert.False(write.IsCompleted);
        queue.Release(first);
        await write.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(queue.TryDequeue(out var second));
        Assert.Equal(new byte[] { 5, 6 }, second.Memory.ToArray());
        Assert.True(second.Fin);
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public async Task Fin_rides_on_the_last_data_chunk_or_goes_alone()
    {
        var queue = new StreamSendQueue(100);
        await queue.EnqueueAsync(new byte[] { 1 }, fin: false);
        await queue.EnqueueAsync(ReadOnlyMemory<byte>.Empty, fin: true);
        Assert.True(queue.TryDequeue(out var chunk));
        Assert.True(chunk.Fin);
        Assert.Equal(1, chunk.Length);

        var bare = new StreamSendQueue(100);
        await bare.EnqueueAsync(ReadOnlyMemory<byte>.Empty, fin: true);
        Assert.True(bare.TryDequeue(out var fin));
        Assert.True(fin.Fin);
        Assert.Equal(0, fin.Length);
        Assert.True(fin.Memory.IsEmpty);
    }

    [Fact]
    public async Task Failing_fails_blocked_and_later_writes_and_drops_the_buffer()
    {
        var queue = new StreamSendQueue(2);
        await queue.EnqueueAsync(new byte[] { 1, 2 }, fin: false);
        var blocked = queue.EnqueueAsync(new byte[] { 3 }, fin: false).AsTask();
        var waiting = queue.WaitForDataAsync();
        var abort = QuicTransportException.StreamAborted(Stream, 7, "reset");

        queue.Fail(abort);

        Assert.Same(abort, await Assert.ThrowsAsync<QuicTransportException>(() => blocked));
        Assert.Same(abort, await Assert.ThrowsAsync<QuicTransportException>(() => queue.EnqueueAsync(new byte[] { 4 }, false).AsTask()));
        Assert.True(await waiting);
        Assert.False(await queue.WaitForDataAsync());
        Assert.False(queue.TryDequeue(out _));
        Assert.Equal(0, queue.BufferedBytes);
        Assert.True(queue.IsFailed);
    }

    [Fact]
    public async Task The_writer_loop_wakes_when_data_arrives()
    {
        var queue = new StreamSendQueue(8);
        var wait = queue.WaitForDataAsync();
        Assert.False(wait.IsCompleted);
        await queue.EnqueueAsync(new byte[] { 9 }, fin: false);
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Bytes_leave_in_the_order_they_were_written_and_the_buffer_never_exceeds_its_capacity() =>
        Prop.ForAll(
            Gen.Choose(1, 16).ToArbitrary(),
            Gen.ListOf(Gen.Choose(0, 40)).ToArbitrary(),
            (capacity, sizes) =>
            {
                var queue = new StreamSendQueue(capacity);
                var expected = new List<byte>();
                var written = new List<byte>();
                var pending = new List<Task>();
                byte next = 0;
                for (var i = 0; i < sizes.Count; i++)
                {
                    var data = new byte[sizes[i]];
                    for (var j = 0; j < data.Length; j++) data[j] = next++;
                    expected.AddRange(data);
                    pending.Add(queue.EnqueueAsync(data, fin: i == sizes.Count - 1).AsTask());
                    if (queue.BufferedBytes > capacity) return false;
                }
                var finSeen = false;
                while (queue.TryDequeue(out var chunk))
                {
                    if (finSeen) return false;
                    written.AddRange(chunk.Memory.ToArray());
                    finSeen = chunk.Fin;
                    queue.Release(chunk);
                    if (queue.BufferedBytes > capacity) return false;
                }
                return written.SequenceEqual(expected)
                    && pending.All(p => p.IsCompletedSuccessfully)
                    && finSeen == (sizes.Count > 0);
            }).QuickCheckThrowOnFailure();
}
