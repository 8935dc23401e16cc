using System.Globalization;
using QuicActors.Benchmarks.Engine;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Benchmarks.Lifecycle;

/// <summary>
/// The engine churn (<see cref="ChurnBenchmark"/>) through the connection actors: C workers each open a stream with
/// <see cref="ConnectionActor.OpenStreamAsync"/>, write 64 B with FIN, read the echo to EOF and dispose the handle; the
/// server's stream handler reads to EOF and echoes with FIN. Credit comes back only when the runtime has seen both
/// halves of a stream terminate, so the rate includes the whole lifecycle bookkeeping.
/// </summary>
internal static class ActorChurnBenchmark
{
    private const int PayloadSize = 64;

    /// <summary>Runs the churn; returns its rate in streams/s and how many streams completed in all, warmup included.</summary>
    public static async Task<(double Rate, long Total)> MeasureAsync(EngineSetup setup, BenchmarkOptions options, ActorSystemSettings settings)
    {
        var limit = Math.Max(100, options.Concurrency);
        var limits = new QuicTransportParameters { MaxInboundBidirectionalStreams = limit };
        await using var pair = await setup.ConnectAsync(limits);
        var (server, client) = (pair.Server, pair.Client);
        using var system = ActorSystem.Create("lifecycle-churn", settings);
        var serverActor = system.ActorOf(ConnectionActor.Props(server, new ConnectionActorSettings
        {
            ConnectionId = 1,
            InboundBidirectionalLimit = limit,
            StreamHandler = EchoAsync,
        }), "server");
        var clientActor = system.ActorOf(ConnectionActor.Props(client, new ConnectionActorSettings { ConnectionId = 2, InboundBidirectionalLimit = limit }), "client");

        long completed = 0;
        using var stop = new CancellationTokenSource();
        var payload = new byte[PayloadSize];
        var workers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            var reply = new byte[PayloadSize * 2];
            while (!stop.IsCancellationRequested)
            {
                await using var stream = await ConnectionActor.OpenStreamAsync(clientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(30));
                await stream.WriteAsync(payload, completeWrites: true);
                while (await stream.ReadAsync(reply) > 0)
                {
                }

                Interlocked.Increment(ref completed);
            }
        })).ToArray();

        using var profile = AllocationProfile.StartIfRequested();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var workItemsBefore = ThreadPool.CompletedWorkItemCount;
        var pauseBefore = GC.GetTotalPauseDuration();
        var gen0Before = GC.CollectionCount(0);
        var gen1Before = GC.CollectionCount(1);
        var gen2Before = GC.CollectionCount(2);
        var countBefore = Interlocked.Read(ref completed);
        var (count, elapsed) = await Measure.RunAsync(options.Warmup, options.Measure, options.Streams, () => Interlocked.Read(ref completed));
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        var workItems = ThreadPool.CompletedWorkItemCount - workItemsBefore;
        var pause = GC.GetTotalPauseDuration() - pauseBefore;
        var collections = $"{GC.CollectionCount(0) - gen0Before}/{GC.CollectionCount(1) - gen1Before}/{GC.CollectionCount(2) - gen2Before}";
        var streamsDuring = Interlocked.Read(ref completed) - countBefore;
        stop.Cancel();
        profile?.Print(streamsDuring);
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"INFO actor churn: {allocated / (double)Math.Max(1, streamsDuring):0} bytes allocated per stream (both sides, whole process), {workItems / (double)Math.Max(1, streamsDuring):0.0} thread-pool work items per stream; GC paused {pause.TotalMilliseconds:0} ms of {elapsed.TotalMilliseconds:0} ms, collections gen0/1/2 {collections}"));
        await client.CloseAsync(0);
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        return (count / elapsed.TotalSeconds, Interlocked.Read(ref completed));
    }

    private static async Task EchoAsync(StreamHandle stream, CancellationToken cancellation)
    {
        var buffer = new byte[PayloadSize * 2];
        var length = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer.AsMemory(length))) > 0)
        {
            length += n;
        }

        await stream.WriteAsync(buffer.AsMemory(0, length), completeWrites: true);
    }
}
