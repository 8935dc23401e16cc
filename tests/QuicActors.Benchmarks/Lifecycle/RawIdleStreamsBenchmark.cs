using QuicActors.Benchmarks.Engine;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Benchmarks.Lifecycle;

/// <summary>
/// The engine's own share of <see cref="IdleStreamsBenchmark"/>: the same N idle streams opened and written (one byte
/// each) on the raw engine pair, with a server loop that only consumes what arrives, and no actor, handle or handler.
/// What the runtime may add per stream is the 2 KB target minus this.
/// </summary>
internal static class RawIdleStreamsBenchmark
{
    public static async Task<(double Client, double Server)> MeasureAsync(EngineSetup setup, int streams)
    {
        var limit = streams + IdleStreamsBenchmark.WarmupStreams;
        var limits = new QuicTransportParameters { MaxInboundBidirectionalStreams = limit };
        await using var pair = await setup.ConnectAsync(limits);
        var (server, client) = (pair.Server, pair.Client);
        long received = 0;
        var serverLoop = Task.Run(async () =>
        {
            await foreach (var e in server.Events.ReadAllAsync())
            {
                if (e is StreamDataReceived data)
                {
                    server.Consume(data.StreamId, data.Length);
                    data.Dispose();
                    Interlocked.Increment(ref received);
                }
            }
        });
        var clientLoop = Task.Run(async () =>
        {
            await foreach (var e in client.Events.ReadAllAsync())
            {
                (e as IDisposable)?.Dispose();
            }
        });

        var ids = new List<QuicStreamId>(limit);
        await OpenAndWriteAsync(client, ids, IdleStreamsBenchmark.WarmupStreams, write: true);
        await WaitAsync(() => Interlocked.Read(ref received) >= IdleStreamsBenchmark.WarmupStreams);
        var baseline = LifecycleBenchmarks.FullGcHeap();

        await OpenAndWriteAsync(client, ids, streams, write: false);
        var afterClient = LifecycleBenchmarks.FullGcHeap();
        for (var i = IdleStreamsBenchmark.WarmupStreams; i < limit; i++)
        {
            await client.WriteAsync(ids[i], IdleStreamsBenchmark.OneByte, fin: false);
        }

        await WaitAsync(() => Interlocked.Read(ref received) >= limit);
        var afterServer = LifecycleBenchmarks.FullGcHeap();

        GC.KeepAlive(ids);
        await client.CloseAsync(0);
        await Task.WhenAll(serverLoop, clientLoop).WaitAsync(TimeSpan.FromSeconds(30));
        return ((afterClient - baseline) / (double)streams, (afterServer - afterClient) / (double)streams);
    }

    private static async Task OpenAndWriteAsync(IQuicEngineConnection client, List<QuicStreamId> ids, int count, bool write)
    {
        for (var i = 0; i < count; i++)
        {
            var id = await client.OpenStreamAsync(StreamDirection.Bidirectional);
            ids.Add(id);
            if (write)
            {
                await client.WriteAsync(id, IdleStreamsBenchmark.OneByte, fin: false);
            }
        }
    }

    private static async Task WaitAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the raw engine never delivered every byte");
            }

            await Task.Delay(20);
        }

        await Task.Delay(200);
    }
}
