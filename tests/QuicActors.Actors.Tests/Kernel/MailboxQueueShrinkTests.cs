namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.Kernel.Internal;
using QuicActors.TestKit;
using Xunit.Abstractions;

/// <summary>
/// The mailbox queue giving its large segment back when the load is gone (issue #5), and reusing its
/// largest segment under sustained load: nothing lost or reordered per producer while producers race the
/// consumer's shrink, and an actor that was busy and went idle holds a small queue again.
/// </summary>
public sealed class MailboxQueueShrinkTests(ITestOutputHelper output) : TestKit(output)
{
    private static Envelope Message(int producer, int sequence) => new((producer, sequence), null);

    [Fact]
    public void A_queue_starts_small_grows_under_load_and_shrinks_when_empty()
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

        Assert.True(queue.TryShrink());
        Assert.False(queue.IsLarge);
        Assert.True(queue.IsEmpty);
        Assert.False(queue.TryShrink());

        // Still a working queue.
        queue.Enqueue(Message(0, 99));
        Assert.True(queue.TryDequeue(out var last));
        Assert.Equal((0, 99), last.Message);
    }

    [Fact]
    public void A_queue_does_not_shrink_while_a_slot_is_reserved()
    {
        var queue = new MailboxQueue();
        for (var i = 0; i < 10; i++) queue.Enqueue(Message(0, i));
        for (var i = 0; i < 9; i++) Assert.True(queue.TryDequeue(out _));
        Assert.True(queue.IsLarge);
        Assert.False(queue.TryShrink());
        Assert.True(queue.TryDequeue(out var envelope));
        Assert.Equal((0, 9), envelope.Message);
        Assert.True(queue.TryShrink());
    }

    [Fact]
    public void Producers_racing_the_shrink_lose_nothing_and_each_keeps_its_order()
    {
        const int producers = 4;
        const int perProducer = 150_000;
        var queue = new MailboxQueue();
        var start = new Barrier(producers + 1);
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perProducer; i++)
            {
                queue.Enqueue(Message(p, i));
                // Bursts and pauses, so the queue keeps growing past the small segment and running empty.
                if (i % 1024 == 1023) Thread.Sleep(1);
                else if (i % 64 == 63) Thread.Yield();
            }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        start.SignalAndWait();
        var next = new int[producers];
        var total = 0;
        var shrinks = 0;
        var idle = System.Diagnostics.Stopwatch.StartNew();
        while (total < producers * perProducer)
        {
            if (!queue.TryDequeue(out var envelope))
            {
                Assert.True(idle.Elapsed < TimeSpan.FromSeconds(60), $"only {total} of {producers * perProducer} messages arrived");
                // The consumer's idle moment: try to give the large segment back while producers keep going.
                if (queue.IsEmpty && queue.TryShrink()) shrinks++;
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
        Assert.True(queue.IsEmpty);
        Assert.False(queue.TryDequeue(out _));
        Assert.True(shrinks > 0, "the consumer never found a moment to shrink the queue");
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
    public void An_actor_that_took_a_burst_and_went_idle_holds_a_small_queue_again()
    {
        var actor = (ActorCell)ActorOf(Props.Create(() => new Forwarder(TestActor)));
        // A burst larger than the small segment, sent before the actor can take any of it.
        for (var i = 0; i < 200; i++) actor.Tell(i, null);
        for (var i = 0; i < 200; i++) Assert.Equal(i, ExpectMsg<int>());
        // Then single messages: a turn that takes fewer than the small segment holds and empties the queue
        // gives the large segment back.
        actor.Tell(-1, null);
        Assert.Equal(-1, ExpectMsg<int>());
        AwaitCondition(() => actor.MailboxForTests is { IsLarge: false }, message: "the actor kept its large mailbox segment");
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
        Assert.NotNull(actor.MailboxForTests);
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
