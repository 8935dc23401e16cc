using System.Diagnostics;
using System.Globalization;
using QuicActors.Benchmarks.Engine;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Benchmarks.Lifecycle;

/// <summary>
/// The managed cost of an idle open stream on each side. The client opens N streams through its connection actor and
/// holds the handles without writing: no frame is sent, so only the client knows them (client cost). Then it writes one
/// byte on each; the server's handler reads it and waits forever (server cost). Each figure is the growth of the managed
/// heap after a full compacting GC divided by N, engine stream state included, after a warm-up of 200 streams.
/// </summary>
internal static class IdleStreamsBenchmark
{
    /// <summary>Streams opened and written before the first heap mark (shared with <see cref="RawIdleStreamsBenchmark"/>).</summary>
    internal const int WarmupStreams = 200;

    /// <summary>The one byte each stream carries (shared with <see cref="RawIdleStreamsBenchmark"/>).</summary>
    internal static readonly byte[] OneByte = [42];

    public static async Task<(double Client, double Server)> MeasureAsync(EngineSetup setup, int streams, ActorSystemSettings settings)
    {
        var limit = streams + WarmupStreams;
        var limits = new QuicTransportParameters { MaxInboundBidirectionalStreams = limit };
        await using var pair = await setup.ConnectAsync(limits);
        var (server, client) = (pair.Server, pair.Client);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var system = ActorSystem.Create("lifecycle-idle", settings);
        var serverActor = system.ActorOf(ConnectionActor.Props(server, new ConnectionActorSettings
        {
            ConnectionId = 1,
            InboundBidirectionalLimit = limit,
            StreamHandler = async (stream, _) =>
            {
                await stream.ReadAsync(new byte[1]);
                await hold.Task;
            },
        }), "server");
        var clientActor = system.ActorOf(ConnectionActor.Props(client, new ConnectionActorSettings { ConnectionId = 2, InboundBidirectionalLimit = limit }), "client");

        var handles = new List<StreamHandle>(limit);
        await OpenAsync(clientActor, handles, WarmupStreams);
        await WriteAsync(handles, 0, WarmupStreams);
        await SettleAsync(serverActor, WarmupStreams);
        var baseline = LifecycleBenchmarks.FullGcHeap();

        var clock = Stopwatch.StartNew();
        var profile = AllocationProfile.StartIfRequested();
        await OpenAsync(clientActor, handles, streams);
        await SettleAsync(clientActor, limit);
        var afterClient = LifecycleBenchmarks.FullGcHeap();
        profile?.Print(streams);
        profile?.Dispose();
        profile = AllocationProfile.StartIfRequested();
        await WriteAsync(handles, WarmupStreams, limit);
        await SettleAsync(serverActor, limit);
        var afterServer = LifecycleBenchmarks.FullGcHeap();
        profile?.Print(streams);
        profile?.Dispose();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"INFO idle: {streams} streams opened on both sides in {clock.Elapsed.TotalSeconds:0.0} s"));

        GC.KeepAlive(handles);
        hold.SetResult();
        await client.CloseAsync(0);
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(60));
        return ((afterClient - baseline) / (double)streams, (afterServer - afterClient) / (double)streams);
    }

    private static async Task OpenAsync(IActorRef clientActor, List<StreamHandle> handles, int count)
    {
        for (var i = 0; i < count; i++)
        {
            handles.Add(await ConnectionActor.OpenStreamAsync(clientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(30)));
        }
    }

    private static async Task WriteAsync(List<StreamHandle> handles, int from, int to)
    {
        const int Batch = 1000;
        for (var i = from; i < to; i += Batch)
        {
            var writes = new List<Task>(Batch);
            for (var j = i; j < Math.Min(to, i + Batch); j++)
            {
                writes.Add(handles[j].WriteAsync(OneByte));
            }

            await Task.WhenAll(writes);
        }
    }

    /// <summary>Waits until <paramref name="actor"/> hosts <paramref name="live"/> streams, then lets their child actors start.</summary>
    private static async Task SettleAsync(IActorRef actor, int live)
    {
        var deadline = Stopwatch.StartNew();
        while ((await ConnectionActor.GetStatusAsync(actor)).LiveStreams < live)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"the connection actor never reached {live} live streams");
            }

            await Task.Delay(20);
        }

        await Task.Delay(500);
    }
}
