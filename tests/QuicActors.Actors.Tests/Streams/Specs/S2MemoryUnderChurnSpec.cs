using System.Diagnostics;
using QuicActors.Streams;
using QuicActors.Transport;
using QuicActors.TestKit;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// S2, memory under churn (issue 5): 100,000 streams where the client reads exactly the 6-byte reply and never reads
/// EOF. The linger policy must finish each forgotten receive side, so the live stream count on both sides stays
/// bounded, and the managed heap after a full GC at 100,000 streams is within 10% of its value at 10,000.
/// </summary>
/// <remarks>
/// Runs once per engine (one sealed subclass each, in memory on virtual time and on ngtcp2 over loopback in real time),
/// each alone (the non-parallel <see cref="S2MemoryUnderChurnCollection"/>): heap figures taken while other tests run
/// would be noise.
/// </remarks>
public abstract class S2MemoryUnderChurnSpec : QuicActors.TestKit.TestKit
{
    private const int Limit = 100;
    private const int Workers = 32;
    private const int FirstMark = 10_000;
    private const int Streams = 100_000;
    private const int LiveBound = 2 * Limit;
    private static readonly byte[] Request = new byte[64];
    private static readonly byte[] ReplyBytes = "pong\r\n"u8.ToArray();
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;

    private protected S2MemoryUnderChurnSpec(ITestOutputHelper output, bool useVirtualTime)
        : base(output, useVirtualTime)
    {
        _output = output;
    }

    /// <summary>The engine this run uses; the host takes ownership.</summary>
    private protected abstract SpecEngine CreateEngine();

    [SkippableFact]
    public async Task A_client_never_reading_eof_keeps_live_streams_bounded_and_the_heap_flat()
    {
        await using var host = await StreamSpecHost.StartAsync(Sys, CreateEngine(), Limit, LingerPolicy.Default, static async (stream, _) =>
        {
            var buffer = new byte[Request.Length * 2];
            var length = 0;
            int n;
            while ((n = await stream.ReadAsync(buffer.AsMemory(length))) > 0)
            {
                length += n;
            }

            Assert.Equal(Request.Length, length);
            await stream.WriteAsync(ReplyBytes, completeWrites: true);
        });

        var clock = Stopwatch.StartNew();
        var run = new ChurnRun(host);
        await run.RunAsync(FirstMark);
        await AwaitSettledAsync(host);
        var heapAtFirstMark = FullGcHeap();
        var firstMarkElapsed = clock.Elapsed;

        await run.RunAsync(Streams - FirstMark);
        await AwaitSettledAsync(host);
        var heapAtEnd = FullGcHeap();

        var server = await ConnectionActor.GetStatusAsync(host.ServerActor);
        var client = await ConnectionActor.GetStatusAsync(host.ClientActor);
        _output.WriteLine($"{Streams} streams in {clock.Elapsed.TotalSeconds:0.0} s (first {FirstMark} in {firstMarkElapsed.TotalSeconds:0.0} s); " +
            $"max live streams: server {run.MaxServerLive}, client {run.MaxClientLive}; heap after full GC: {heapAtFirstMark:N0} B at {FirstMark}, {heapAtEnd:N0} B at {Streams}");

        Assert.Empty(server.InvariantViolations);
        Assert.Empty(client.InvariantViolations);
        Assert.Equal(Streams, server.InboundBidirectionalReleased);
        Assert.True(run.MaxServerLive <= LiveBound, $"server live streams must stay bounded by {LiveBound}; saw {run.MaxServerLive}");
        Assert.True(run.MaxClientLive <= LiveBound, $"client live streams must stay bounded by {LiveBound}; saw {run.MaxClientLive}");
        Assert.True(
            heapAtEnd <= heapAtFirstMark * 1.10,
            $"the managed heap grew from {heapAtFirstMark:N0} B at {FirstMark} streams to {heapAtEnd:N0} B at {Streams} (more than 10%)");
    }

    private static long FullGcHeap() => ManagedHeap.LiveBytesAfterFullCollection();

    /// <summary>Both sides have released every stream: what is left on the heap is what the churn leaked.</summary>
    private static async Task AwaitSettledAsync(StreamSpecHost host)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var server = await ConnectionActor.GetStatusAsync(host.ServerActor);
            var client = await ConnectionActor.GetStatusAsync(host.ClientActor);
            if (server is { LiveStreams: 0, InboundBidirectionalInUse: 0 } && client.LiveStreams == 0)
            {
                return;
            }

            Assert.True(deadline.Elapsed < Wait, $"the connections never settled: server {server}, client {client}");
            await Task.Delay(10);
        }
    }

    /// <summary>Workers that run streams until a shared quota is used up, sampling both sides' live stream counts.</summary>
    private sealed class ChurnRun(StreamSpecHost host)
    {
        private int _remaining;
        private int _started;
        private int _maxServerLive;
        private int _maxClientLive;

        public int MaxServerLive => Volatile.Read(ref _maxServerLive);

        public int MaxClientLive => Volatile.Read(ref _maxClientLive);

        public async Task RunAsync(int streams)
        {
            _remaining = streams;
            var workers = new Task[Workers];
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = Task.Run(WorkAsync);
            }

            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(2));
        }

        private async Task WorkAsync()
        {
            var reply = new byte[ReplyBytes.Length];
            while (Interlocked.Decrement(ref _remaining) >= 0)
            {
                await using (var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait))
                {
                    await stream.WriteAsync(Request, completeWrites: true).WaitAsync(Wait);
                    var read = 0;
                    while (read < reply.Length)
                    {
                        var n = await stream.ReadAsync(reply.AsMemory(read)).WaitAsync(Wait);
                        Assert.NotEqual(0, n);
                        read += n;
                    }

                    Assert.Equal(ReplyBytes, reply);
                }

                if (Interlocked.Increment(ref _started) % 500 == 0)
                {
                    await SampleAsync();
                }
            }
        }

        private async Task SampleAsync()
        {
            var server = await ConnectionActor.GetStatusAsync(host.ServerActor);
            var client = await ConnectionActor.GetStatusAsync(host.ClientActor);
            Assert.Empty(server.InvariantViolations);
            Assert.Equal(Limit, server.InboundBidirectionalInUse + server.InboundBidirectionalAvailable);
            InterlockedMax(ref _maxServerLive, server.LiveStreams);
            InterlockedMax(ref _maxClientLive, client.LiveStreams);
        }

        private static void InterlockedMax(ref int location, int value)
        {
            var current = Volatile.Read(ref location);
            while (value > current)
            {
                var seen = Interlocked.CompareExchange(ref location, value, current);
                if (seen == current)
                {
                    return;
                }

                current = seen;
            }
        }
    }
}
