using System.Collections.Concurrent;
using System.Diagnostics;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Benchmarks.Engine;

/// <summary>
/// Stream churn: C workers each open a stream, write 64 B with FIN, wait for the peer's echo to EOF and release the
/// stream; the server echoes and releases each stream once both of its halves are finished. Measures streams/s over
/// the measure window, or the time for exactly <c>--streams</c> streams after the warmup.
/// </summary>
internal static class ChurnBenchmark
{
    private const int PayloadSize = 64;

    public static async Task<int> RunAsync(EngineSetup setup, BenchmarkOptions options)
    {
        EngineBenchmarks.PrintResult($"engine-churn-{options.Engine}", await MeasureAsync(setup, options), "streams/s");
        return 0;
    }

    /// <summary>Runs a churn and divides the process CPU time it took by the streams it completed (µs per stream).</summary>
    public static async Task<(double Rate, double CpuPerStream)> WithCpuAsync(Func<Task<(double Rate, long Total)>> churn)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        var (rate, total) = await churn();
        process.Refresh();
        return (rate, (process.TotalProcessorTime - before).TotalMicroseconds / Math.Max(1, total));
    }

    /// <summary>Runs the churn and returns its rate in streams/s, printing nothing (the lifecycle benchmark compares it with the actors' rate).</summary>
    public static async Task<double> MeasureAsync(EngineSetup setup, BenchmarkOptions options) => (await MeasureWithTotalAsync(setup, options)).Rate;

    /// <summary>
    /// Runs the churn; returns its rate in streams/s and how many streams completed in all, warmup included (what the
    /// process's CPU time is spread over).
    /// </summary>
    public static async Task<(double Rate, long Total)> MeasureWithTotalAsync(EngineSetup setup, BenchmarkOptions options)
    {
        var limits = new QuicTransportParameters { MaxInboundBidirectionalStreams = Math.Max(100, options.Concurrency) };
        await using var pair = await setup.ConnectAsync(limits);
        var (server, client) = (pair.Server, pair.Client);
        // ngtcp2 reports FIN acknowledgements although it does not declare AcknowledgementEvents (it cannot report a
        // RESET_STREAM's acknowledgement promptly): releasing before the echo's FIN is acknowledged would reset it.
        var acks = setup.Server.Capabilities.HasFlag(EngineCapabilities.AcknowledgementEvents) || setup.Server.Name == "ngtcp2";

        var serverLoop = Task.Run(() => ServeAsync(server, acks));
        var streams = new ConcurrentDictionary<QuicStreamId, ClientStream>();
        var clientLoop = Task.Run(() => DispatchAsync(client, streams, acks));

        long completed = 0;
        using var stop = new CancellationTokenSource();
        var payload = new byte[PayloadSize];
        var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                QuicStreamId id;
                try
                {
                    id = await client.OpenStreamAsync(StreamDirection.Bidirectional, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                var state = streams.GetOrAdd(id, static _ => new ClientStream());
                await client.WriteAsync(id, payload, fin: true);
                await state.Done.Task;
                streams.TryRemove(id, out _);
                client.ReleaseStream(id);
                Interlocked.Increment(ref completed);
            }
        })).ToArray();

        var (count, elapsed) = await Measure.RunAsync(options.Warmup, options.Measure, options.Streams, () => Interlocked.Read(ref completed));
        stop.Cancel();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));
        await client.CloseAsync(0);
        await Task.WhenAll(serverLoop, clientLoop).WaitAsync(TimeSpan.FromSeconds(30));
        return (count / elapsed.TotalSeconds, Interlocked.Read(ref completed));
    }

    /// <summary>Echoes each stream and releases it once its receive half saw FIN and its own FIN was acknowledged.</summary>
    private static async Task ServeAsync(IQuicEngineConnection server, bool acks)
    {
        var pending = new Dictionary<QuicStreamId, ServerStream>();
        await foreach (var e in server.Events.ReadAllAsync())
        {
            switch (e)
            {
                case StreamDataReceived data:
                    if (!pending.TryGetValue(data.StreamId, out var stream)) pending[data.StreamId] = stream = new ServerStream();
                    data.Data.Span.CopyTo(stream.Buffer.AsSpan(stream.Length));
                    stream.Length += data.Length;
                    server.Consume(data.StreamId, data.Length);
                    data.Dispose();
                    if (data.IsFin)
                    {
                        await server.WriteAsync(data.StreamId, stream.Buffer.AsMemory(0, stream.Length), fin: true);
                        if (!acks)
                        {
                            pending.Remove(data.StreamId);
                            server.ReleaseStream(data.StreamId);
                        }
                    }
                    break;
                case StreamFinAcknowledged ack when pending.Remove(ack.StreamId):
                    try
                    {
                        server.ReleaseStream(ack.StreamId);
                    }
                    catch (QuicTransportException ex) when (ex.Error == QuicTransportError.ConnectionClosed)
                    {
                        // The run is over: the client closed while this acknowledgement was still queued.
                    }

                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    /// <summary>Routes client events to the waiting workers.</summary>
    private static async Task DispatchAsync(IQuicEngineConnection client, ConcurrentDictionary<QuicStreamId, ClientStream> streams, bool acks)
    {
        await foreach (var e in client.Events.ReadAllAsync())
        {
            switch (e)
            {
                case StreamDataReceived data:
                    client.Consume(data.StreamId, data.Length);
                    data.Dispose();
                    if (data.IsFin) streams.GetOrAdd(data.StreamId, static _ => new ClientStream()).Finish(acks ? ClientStream.ReadDone : ClientStream.ReadDone | ClientStream.AckDone);
                    break;
                case StreamFinAcknowledged ack:
                    streams.GetOrAdd(ack.StreamId, static _ => new ClientStream()).Finish(ClientStream.AckDone);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private sealed class ServerStream
    {
        public byte[] Buffer { get; } = new byte[PayloadSize];

        public int Length { get; set; }
    }

    /// <summary>A client stream is done when the echo reached EOF and our FIN was acknowledged: both halves terminal.</summary>
    private sealed class ClientStream
    {
        public const int ReadDone = 1;
        public const int AckDone = 2;
        private int _flags;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Finish(int flag)
        {
            if ((Interlocked.Or(ref _flags, flag) | flag) == (ReadDone | AckDone)) Done.TrySetResult();
        }
    }
}

/// <summary>Samples a monotonically growing counter over a warmup and a measure window.</summary>
internal static class Measure
{
    /// <summary>
    /// Waits out the warmup, then measures until <paramref name="measure"/> passed or, when <paramref name="target"/> is
    /// positive, until the counter grew by that much. Returns the growth and the time it took.
    /// </summary>
    public static async Task<(long Count, TimeSpan Elapsed)> RunAsync(TimeSpan warmup, TimeSpan measure, long target, Func<long> counter)
    {
        await Task.Delay(warmup);
        var start = counter();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await Task.Delay(10);
            var grown = counter() - start;
            if (target > 0 ? grown >= target : clock.Elapsed >= measure) return (grown, clock.Elapsed);
        }
    }
}
