namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.Kernel.Internal;
using QuicActors.TestKit;
using Xunit.Abstractions;

/// <summary>
/// The mailbox queue of an idle actor (issue #5): small until it is under load, retired and dropped when the
/// actor is idle (nothing lost or reordered per producer while producers race the retirement), and reusing
/// its largest segment under sustained load.
/// </summary>
public sealed class MailboxQueueIdleTests(ITestOutputHelper output) : TestKit(output)
{
    private static Envelope Message(int producer, int sequence) => new((producer, sequence), null);

    [Fact]
    public void A_queue_starts_small_and_grows_into_large_segments_under_load()
    {
        var queue = new MailboxQueue();
        Assert.False(queue.IsLarge);
        for (var i = 0; i < MailboxQueue.SmallLength; i++) queue.Enqueue(Message(0, i));
        Assert.False(queue.IsLarge);
        // One more than the small segment holds: the queue moves on to a large one once the small one is drained.
        queue.Enqueue(Message(0, MailboxQueue.SmallLength));
        for (var i = 0; i <= MailboxQueue.SmallLength; i++)
        {
            Assert.True(queue.TryDequeue(out var envelope));
            Assert.Equal((0, i), envelope.Message);
        }
        Assert.True(queue.IsLarge);
        Assert.True(queue.IsEmpty);
        Assert.True(queue.TryRetire());
    }

    [Fact]
    public void Producers_racing_the_retirement_of_their_queue_lose_nothing_and_each_keeps_its_order()
    {
        const int producers = 4;
        const int perProducer = 100_000;
        var holder = new QueueHolder();
        var start = new Barrier(producers + 1);
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perProducer; i++)
            {
                // As ActorCell.Tell does: a retired queue refuses the message, which then goes to the next queue.
                var queue = Volatile.Read(ref holder.Queue);
                while (!queue.TryEnqueue(Message(p, i))) queue = holder.After(queue);
                // Bursts and pauses, so the queue keeps growing and running empty.
                if (i % 1024 == 1023) Thread.Sleep(1);
                else if (i % 64 == 63) Thread.Yield();
            }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        start.SignalAndWait();
        var next = new int[producers];
        var total = 0;
        var retirements = 0;
        var consumed = Volatile.Read(ref holder.Queue);
        var idle = System.Diagnostics.Stopwatch.StartNew();
        while (total < producers * perProducer)
        {
            if (!consumed.TryDequeue(out var envelope))
            {
                Assert.True(idle.Elapsed < TimeSpan.FromSeconds(60), $"only {total} of {producers * perProducer} messages arrived");
                // The consumer's idle moment: retire the empty queue while producers keep going, then read the next one.
                if (consumed.IsEmpty && consumed.TryRetire())
                {
                    retirements++;
                    consumed = holder.After(consumed);
                }
                continue;
            }
            var (p, i) = ((int, int))envelope.Message;
            Assert.Equal(next[p], i);
            next[p]++;
            total++;
            // Now and then the consumer falls behind, so the queue grows into large segments.
            if (total % 10_000 == 0) Thread.Sleep(1);
        }
        foreach (var thread in threads) thread.Join();
        Assert.True(consumed.IsEmpty);
        Assert.False(consumed.TryDequeue(out _));
        Assert.True(retirements > 0, "the consumer never found a moment to retire the queue");
    }

    /// <summary>The owner's reference to its current queue, as ActorCell keeps it.</summary>
    private sealed class QueueHolder
    {
        public MailboxQueue Queue = new();

        /// <summary>The queue that follows <paramref name="retired"/>, created by whoever gets there first.</summary>
        public MailboxQueue After(MailboxQueue retired)
        {
            var current = Volatile.Read(ref Queue);
            if (current != retired) return current;
            var fresh = new MailboxQueue();
            return Interlocked.CompareExchange(ref Queue, fresh, retired) == retired ? fresh : Volatile.Read(ref Queue);
        }
    }

    [Fact]
    public void A_queue_deeper_than_several_largest_segments_keeps_order_while_reusing_a_drained_segment()
    {
        var queue = new MailboxQueue();
        var next = 0;
        var taken = 0;
        // 100k outstanding is three largest segments and more; taking half and adding again makes the tail
        // fill up while a drained largest segment waits for reuse.
        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < 100_000; i++) queue.Enqueue(Message(0, next++));
            for (var i = 0; i < 70_000; i++)
            {
                Assert.True(queue.TryDequeue(out var envelope));
                Assert.Equal((0, taken++), envelope.Message);
            }
        }
        while (queue.TryDequeue(out var envelope)) Assert.Equal((0, taken++), envelope.Message);
        Assert.Equal(next, taken);
        Assert.True(queue.IsEmpty);
    }

    [Fact]
    public void A_retired_queue_refuses_messages_and_a_queue_with_a_reserved_slot_is_not_retired()
    {
        var queue = new MailboxQueue();
        queue.Enqueue(Message(0, 1));
        Assert.False(queue.TryRetire());
        Assert.True(queue.TryDequeue(out _));
        Assert.True(queue.TryRetire());
        Assert.True(queue.IsRetired);
        Assert.True(queue.IsEmpty);
        Assert.False(queue.TryEnqueue(Message(0, 2)));
        Assert.Throws<InvalidOperationException>(() => queue.Enqueue(Message(0, 2)));
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void Producers_racing_the_idle_release_lose_nothing_and_each_keeps_its_order()
    {
        const int producers = 3;
        const int perProducer = 60_000;
        OrderRecorder? created = null;
        var actor = (ActorCell)ActorOf(Props.Create(() => created = new OrderRecorder(producers)));
        AwaitCondition(() => Volatile.Read(ref created) is not null);
        var recorder = created!;
        var start = new Barrier(producers + 1);
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perProducer; i++)
            {
                actor.Tell((p, i), null);
                // Pauses, so the actor often runs dry and the release finds an empty queue to retire.
                if (i % 16 == 15) Thread.Yield();
            }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        start.SignalAndWait();
        var releases = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref recorder.Total) < producers * perProducer)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"only {recorder.Total} of {producers * perProducer} messages arrived");
            if (actor.TryReleaseIdleMailbox()) releases++;
        }
        foreach (var thread in threads) thread.Join();
        Assert.Null(recorder.Failure);
        Assert.Equal(producers * perProducer, recorder.Total);
        Assert.True(releases > 0, "the release never found the actor idle");
    }

    [Fact]
    public void An_idle_actor_gives_its_queue_back_after_a_full_collection_and_takes_messages_again()
    {
        var actor = (ActorCell)ActorOf(Props.Create(() => new Forwarder(TestActor)));
        actor.Tell(1, null);
        Assert.Equal(1, ExpectMsg<int>());
        // (Not asserted here that the queue exists: a collection triggered by a test running in parallel may
        // already have swept it.)
        AwaitCondition(() =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return actor.MailboxForTests is null;
        }, message: "the idle actor kept its mailbox queue across full collections");
        actor.Tell(2, null);
        Assert.Equal(2, ExpectMsg<int>());
    }

    /// <summary>Checks that each producer's messages arrive in the order sent; counts them.</summary>
    private sealed class OrderRecorder(int producers) : ActorBase
    {
        private readonly int[] _next = new int[producers];
        public int Total;
        public string? Failure;

        protected override bool Receive(object message)
        {
            var (p, i) = ((int, int))message;
            if (i != _next[p]) Failure ??= $"producer {p}: expected {_next[p]}, got {i}";
            _next[p] = i + 1;
            Volatile.Write(ref Total, Total + 1);
            return true;
        }
    }

    private sealed class Forwarder(IActorRef target) : ActorBase
    {
        protected override bool Receive(object message)
        {
            target.Tell(message, Self);
            return true;
        }
    }
}
