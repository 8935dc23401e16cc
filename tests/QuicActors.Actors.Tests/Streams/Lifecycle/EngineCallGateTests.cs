using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Streams.Lifecycle;

/// <summary>
/// The engine-call gate of <see cref="GenerationTracker"/>: an engine call a stream actor has been admitted to can never
/// run after the next generation has begun, nor beside an open that may reuse its stream ID (invariant 5).
/// </summary>
public sealed class EngineCallGateTests
{
    private static readonly QuicStreamId Stream0 = new(0);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_next_generation_begins_only_after_an_admitted_engine_call_has_ended()
    {
        var tracker = new GenerationTracker(1);
        var early = tracker.Stamp(Stream0);
        var call = tracker.EnterEngineCall(early);
        Assert.True(call.Admitted);

        var switching = Task.Run(tracker.BeginNextGeneration);
        await Task.Delay(100);
        Assert.False(switching.IsCompleted, "the switch waited for the call in flight");
        Assert.True(tracker.IsCurrent(early));

        call.Dispose();
        Assert.Equal(2, (await switching.WaitAsync(Wait)).Generation);
        using var late = tracker.EnterEngineCall(early);
        Assert.False(late.Admitted);
        using var fresh = tracker.EnterEngineCall(tracker.Stamp(Stream0));
        Assert.True(fresh.Admitted);
    }

    [Fact]
    public async Task An_engine_call_waits_while_the_owner_is_in_its_exclusive_section()
    {
        var tracker = new GenerationTracker(1);
        var stamp = tracker.Stamp(Stream0);
        var exclusive = tracker.EnterExclusive();
        var calling = Task.Run(() =>
        {
            using var call = tracker.EnterEngineCall(stamp);
            return call.Admitted;
        });
        await Task.Delay(100);
        Assert.False(calling.IsCompleted, "the call waited for the exclusive section");

        exclusive.Dispose();
        Assert.True(await calling.WaitAsync(Wait));
    }

    [Fact]
    public void Once_the_engine_rejected_0rtt_the_current_generations_calls_are_refused_until_the_next_generation()
    {
        var tracker = new GenerationTracker(1);
        var early = tracker.Stamp(Stream0);
        using (tracker.EnterExclusive())
        {
            tracker.MarkRejectedAtEngine();
        }

        using (var call = tracker.EnterEngineCall(early))
        {
            Assert.False(call.Admitted);
        }

        Assert.True(tracker.IsCurrent(early), "the owner has not read the rejection yet: only engine calls are refused");
        tracker.BeginNextGeneration();
        using var fresh = tracker.EnterEngineCall(tracker.Stamp(Stream0));
        Assert.True(fresh.Admitted);
    }

    [Fact]
    public void Once_settled_the_gate_counts_nothing_and_the_owner_never_waits()
    {
        var tracker = new GenerationTracker(1);
        tracker.Settle();
        var stamp = tracker.Stamp(Stream0);
        var call = tracker.EnterEngineCall(stamp);
        Assert.True(call.Admitted);
        Assert.True(tracker.IsSettled);

        // An uncounted call in flight does not hold the owner (a switch after settling does not happen in a connection).
        using (tracker.EnterExclusive())
        {
        }

        call.Dispose();
        using var stale = tracker.EnterEngineCall(new StreamHandleStamp(1, 2, Stream0));
        Assert.False(stale.Admitted);
    }

    [Fact]
    public async Task Under_contention_no_call_of_an_ended_generation_reaches_the_stream_that_reuses_its_id()
    {
        // A stand-in for the engine: which generation owns stream 0 now, and whether a call ever hit the wrong owner.
        var tracker = new GenerationTracker(1);
        var owner = 1;
        var misdelivered = 0;
        var admittedCalls = 0;
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                // A handle exists only for a stream the owner has opened: the stamp of the stream 0 the engine has now.
                var stamp = new StreamHandleStamp(1, Volatile.Read(ref owner), Stream0);
                Thread.SpinWait(50); // the window between taking the stamp and calling the engine
                using var call = tracker.EnterEngineCall(stamp);
                if (!call.Admitted)
                {
                    continue;
                }

                Interlocked.Increment(ref admittedCalls);
                Thread.SpinWait(20); // the engine call itself: a preempted caller makes this long
                if (Volatile.Read(ref owner) != stamp.Generation)
                {
                    Interlocked.Increment(ref misdelivered);
                }
            }
        })).ToArray();

        for (var generation = 2; generation <= 300; generation++)
        {
            // Let the callers into the current generation before the engine rejects it.
            var admittedBefore = Volatile.Read(ref admittedCalls);
            while (Volatile.Read(ref admittedCalls) == admittedBefore)
            {
                Thread.Yield();
            }

            using (tracker.EnterExclusive())
            {
                tracker.MarkRejectedAtEngine();
            }

            tracker.BeginNextGeneration();
            using (tracker.EnterExclusive())
            {
                Volatile.Write(ref owner, generation); // the owner's open of the new stream 0, after the switch
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(callers).WaitAsync(Wait);
        Assert.Equal(0, misdelivered);
        Assert.True(admittedCalls >= 299);
    }
}
