namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel.Internal;

/// <summary>The lock-free user-message queue on its own: FIFO per producer, nothing lost, across segment growth and wrap-around.</summary>
public sealed class MailboxQueueTests
{
    private static Envelope Message(int producer, int sequence) => new((producer, sequence), null);

    [Fact]
    public void Single_producer_keeps_fifo_order_across_laps_and_growth()
    {
        var queue = new MailboxQueue();
        var next = 0;
        var taken = 0;
        // Batches of varying size: some laps stay within the first 32-slot ring, larger ones freeze it and grow.
        foreach (var batch in new[] { 1, 31, 32, 5, 33, 200, 7, 5000, 3 })
        {
            for (var i = 0; i < batch; i++) queue.Enqueue(Message(0, next++));
            Assert.False(queue.IsEmpty);
            for (var i = 0; i < batch; i++)
            {
                Assert.True(queue.TryDequeue(out var envelope));
                Assert.Equal((0, taken++), envelope.Message);
            }
            Assert.True(queue.IsEmpty);
            Assert.False(queue.TryDequeue(out _));
        }
    }

    [Fact]
    public void Concurrent_producers_lose_nothing_and_each_keeps_its_order()
    {
        const int producers = 4;
        const int perProducer = 200_000;
        var queue = new MailboxQueue();
        var start = new Barrier(producers + 1);
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perProducer; i++) queue.Enqueue(Message(p, i));
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        start.SignalAndWait();
        var next = new int[producers];
        var total = 0;
        var idle = System.Diagnostics.Stopwatch.StartNew();
        while (total < producers * perProducer)
        {
            if (!queue.TryDequeue(out var envelope))
            {
                Assert.True(idle.Elapsed < TimeSpan.FromSeconds(30), $"only {total} of {producers * perProducer} messages arrived");
                Thread.Yield();
                continue;
            }
            var (p, i) = ((int, int))envelope.Message;
            Assert.Equal(next[p], i);
            next[p]++;
            total++;
        }
        foreach (var thread in threads) thread.Join();
        Assert.True(queue.IsEmpty);
        Assert.False(queue.TryDequeue(out _));
    }
}
