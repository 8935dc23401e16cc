using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Benchmarks.Engine;

/// <summary>
/// Bulk transfer on one stream: the client writes 64 KiB chunks as fast as flow control allows, the server consumes
/// every byte as it arrives. Reports MB/s (10^6 bytes) over the measure window, or over exactly <c>--bytes</c> after
/// the warmup.
/// </summary>
internal static class BulkBenchmark
{
    private const int ChunkSize = 64 * 1024;

    public static async Task<int> RunAsync(EngineSetup setup, BenchmarkOptions options)
    {
        EngineBenchmarks.PrintResult($"engine-bulk-{options.Engine}", await MeasureAsync(setup, options), "MB/s");
        return 0;
    }

    /// <summary>Runs the transfer once and returns its rate in MB/s (10^6 bytes).</summary>
    public static async Task<double> MeasureAsync(EngineSetup setup, BenchmarkOptions options)
    {
        var transport = new QuicTransportParameters();
        await using var pair = await setup.ConnectAsync(transport);
        var (server, client) = (pair.Server, pair.Client);

        long received = 0;
        var serverLoop = Task.Run(async () =>
        {
            await foreach (var e in server.Events.ReadAllAsync())
            {
                if (e is StreamDataReceived data)
                {
                    try
                    {
                        server.Consume(data.StreamId, data.Length);
                    }
                    catch (QuicTransportException ex) when (ex.Error == QuicTransportError.ConnectionClosed)
                    {
                        // The client closed after the measurement; data still queued here needs no more window.
                    }
                    Interlocked.Add(ref received, data.Length);
                    data.Dispose();
                }
                else
                {
                    (e as IDisposable)?.Dispose();
                }
            }
        });
        var clientLoop = Task.Run(async () =>
        {
            await foreach (var e in client.Events.ReadAllAsync()) (e as IDisposable)?.Dispose();
        });

        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional);
        var chunk = new byte[ChunkSize];
        new Random(1).NextBytes(chunk);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await client.WriteAsync(id, chunk, fin: false);
            await client.WriteAsync(id, ReadOnlyMemory<byte>.Empty, fin: true);
        });

        var (bytes, elapsed) = await Measure.RunAsync(options.Warmup, options.Measure, options.Bytes ?? 0, () => Interlocked.Read(ref received));
        stop.Cancel();
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        await client.CloseAsync(0);
        await Task.WhenAll(serverLoop, clientLoop).WaitAsync(TimeSpan.FromSeconds(30));
        return bytes / 1e6 / elapsed.TotalSeconds;
    }
}
