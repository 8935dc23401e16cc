using System.Diagnostics;
using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Lifecycle;

/// <summary>The per-stream path of the bookkeeping allocates nothing once its tables have grown to the working size.</summary>
public sealed class HotPathAllocationTests(ITestOutputHelper output)
{
    private const int Streams = 100_000;

    [Fact]
    public void A_stream_lifecycle_through_all_the_bookkeeping_allocates_nothing_in_steady_state()
    {
        var ledger = new StreamCreditLedger(QuicConnectionRole.Server, StreamDirection.Bidirectional, 100);
        var tracker = new GenerationTracker(1);
        var flows = new DatagramFlowTable(QuicConnectionRole.Server);
        var leaks = new LeakDetector(TimeSpan.FromSeconds(30));
        var policy = LingerPolicy.Default;
        var reports = new List<LeakReport>();
        long index = 0;

        // Ten streams live at once, as in a churn: open ten, finish ten.
        void Cycle(int count)
        {
            for (var i = 0; i < count; i += 10)
            {
                for (var j = 0; j < 10; j++)
                {
                    var id = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, index + j);
                    ledger.OnPeerStreamOpened(id);
                    flows.Bind(id);
                    leaks.Register(id, TimeSpan.FromTicks(index + j), "Send", "Recv");
                    tracker.TryAdmit(tracker.Stamp(id));
                    flows.TrySend(id);
                    policy.Decide(new LingerObservation(SendHalfProgress.Open, ReceiveHalfProgress.Open, true, TimeSpan.Zero, 0, TimeSpan.Zero));
                }

                for (var j = 0; j < 10; j++)
                {
                    var id = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, index + j);
                    ledger.OnHalfTerminal(id, StreamHalf.Send);
                    ledger.OnHalfTerminal(id, StreamHalf.Receive);
                    flows.OnHalfTerminal(id, StreamHalf.Send);
                    flows.OnHalfTerminal(id, StreamHalf.Receive);
                    if (ledger.OnStreamTerminated(id) != StreamReleaseDecision.Release)
                    {
                        throw new InvalidOperationException($"stream {id} not released");
                    }

                    leaks.Unregister(id);
                }

                index += 10;
                leaks.Scan(TimeSpan.FromTicks(index), reports);
            }
        }

        Cycle(10_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        Cycle(Streams);
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{Streams} stream lifecycles: {allocated} bytes allocated, {clock.Elapsed.TotalMilliseconds:F1} ms ({Streams / clock.Elapsed.TotalSeconds:F0} streams/s)");
        Assert.True(allocated < 1024, $"{allocated} bytes allocated for {Streams} stream lifecycles");
        Assert.Equal(0, ledger.LiveStreamCount);
        Assert.Equal(0, flows.ActiveFlows);
        Assert.Equal(0, leaks.Count);
        ledger.AssertInvariants();
    }
}
