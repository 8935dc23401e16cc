using System.Diagnostics;
using System.Globalization;
using QuicActors.Examples.Common;
using QuicActors.Hosting.Internal;
using QuicActors.Kernel;
using QuicActors.Kernel.Internal;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Examples.Churn;

/// <summary>
/// One churn run: a server with stream limit L serving a handler of the chosen mode, and one client connection that
/// opens N streams (more in flight than L, so opens queue for credit), each sending a request with FIN and reading the
/// answer to EOF. The run checks that every slot comes back: after the last stream both connection actors must hold no
/// stream and no slot (leaks 0) and the credit ledgers must be sound.
/// </summary>
internal static class ChurnRun
{
    private const string Alpn = "quic-actors-churn";
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(20);

    public static async Task<ChurnResult> RunAsync(ChurnOptions options, ProgressBar progress, CancellationToken cancellationToken)
    {
        var heapBefore = ManagedHeapReading.LiveBytesAfterFullCollection(out _);
        using var system = ActorSystem.Create("churn");
        await using var engines = ExampleEngines.Create(options.Engine);
        var server = new ChurnServer(options.Mode);
        var transport = new QuicTransportParameters { MaxInboundBidirectionalStreams = options.Limit };
        var listener = await HostedListener.StartAsync(
            system,
            engines.Server,
            engines.ListenerOptions(Alpn, transport),
            new ConnectionActorSettings { InboundBidirectionalLimit = options.Limit, StreamHandler = server.Handler, Linger = LingerPolicy.Default },
            "churn",
            cancellationToken).ConfigureAwait(false);
        await using (listener.ConfigureAwait(false))
        {
            var client = await ClientConnection.ConnectAsync(system, engines.Client, engines.ClientOptions(listener.LocalEndPoint, Alpn), new ConnectionActorSettings(), cancellationToken).ConfigureAwait(false);
            await using (client.ConfigureAwait(false))
            {
                var counters = new Counters();
                var payload = new byte[options.PayloadBytes];
                Random.Shared.NextBytes(payload);
                var clock = Stopwatch.StartNew();
                using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var sampler = SampleAsync(listener, counters, progress, options.Streams, clock, sampling.Token);
                // A run whose opens starve (no slot came back from the server) stops at the first starved open instead of
                // letting every remaining open wait out its timeout.
                using var starved = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var workers = Enumerable.Range(0, Math.Min(options.Concurrency, options.Streams))
                    .Select(_ => Task.Run(() => WorkAsync(client, options, payload, counters, starved), CancellationToken.None))
                    .ToArray();
                await Task.WhenAll(workers).ConfigureAwait(false);
                var elapsed = clock.Elapsed;
                await sampling.CancelAsync().ConfigureAwait(false);
                await sampler.ConfigureAwait(false);
                progress.Report(counters.Done, Detail(counters.Done, elapsed, counters.PeakLive));
                progress.Finish();

                var (serverStatus, clientStatus) = await SettleAsync(listener, client).ConfigureAwait(false);
                var heapAfter = ManagedHeapReading.LiveBytesAfterFullCollection(out _);
                var violations = serverStatus.InvariantViolations.Concat(clientStatus.InvariantViolations).ToList();
                return new ChurnResult(
                    options,
                    counters.Completed,
                    server.Handled,
                    counters.ExpectedAborts,
                    counters.Failures,
                    counters.FirstFailure,
                    elapsed,
                    Math.Max(counters.PeakLive, server.PeakLive),
                    serverStatus.InboundBidirectionalReleased,
                    server.LeftToLinger,
                    serverStatus.LiveStreams + serverStatus.InboundBidirectionalInUse + clientStatus.LiveStreams,
                    violations,
                    heapBefore,
                    heapAfter);
            }
        }
    }

    private static async Task WorkAsync(ClientConnection client, ChurnOptions options, byte[] payload, Counters counters, CancellationTokenSource stop)
    {
        var buffer = new byte[4096];
        while (!stop.IsCancellationRequested && Interlocked.Increment(ref counters.Next) <= options.Streams)
        {
            try
            {
                StreamHandle stream;
                try
                {
                    stream = await client.OpenStreamAsync(OpenTimeout).ConfigureAwait(false);
                }
                catch (TimeoutException ex)
                {
                    counters.Fail(string.Create(CultureInfo.InvariantCulture, $"no stream slot came back from the server within {OpenTimeout.TotalSeconds:0} s (the server's MAX_STREAMS did not grow, RFC 9000 §4.6); the run stopped: {ex.Message}"));
                    await stop.CancelAsync().ConfigureAwait(false);
                    return;
                }

                await using (stream.ConfigureAwait(false))
                {
                    await RunStreamAsync(stream, options, payload, buffer, counters).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or StreamAbortedException or StaleHandleException)
            {
                counters.Fail(ex.GetType().Name + ": " + ex.Message);
            }

            Interlocked.Increment(ref counters.DoneCount);
        }
    }

    private static async Task RunStreamAsync(StreamHandle stream, ChurnOptions options, byte[] payload, byte[] buffer, Counters counters)
    {
        long received = 0;
        try
        {
            await stream.WriteAsync(payload, completeWrites: true).ConfigureAwait(false);
            int read;
            while ((read = await stream.ReadAsync(buffer, ReadDeadline).ConfigureAwait(false)) > 0)
            {
                received += read;
            }
        }
        catch (StreamAbortedException ex) when (ex.ErrorCode == ExpectedAbortCode(options.Mode))
        {
            Interlocked.Increment(ref counters.ExpectedAbortCount);
            Interlocked.Increment(ref counters.CompletedCount);
            return;
        }

        var expected = options.Mode switch
        {
            ChurnMode.Good => payload.Length,
            ChurnMode.Forgetful => 2,
            _ => -1,
        };
        if (received != expected)
        {
            counters.Fail(string.Create(CultureInfo.InvariantCulture, $"stream {stream.StreamId}: {received} bytes answered, {expected} expected in mode {options.Mode}"));
            return;
        }

        Interlocked.Increment(ref counters.CompletedCount);
    }

    /// <summary>The abort a mode ends its streams with; -1 (no code) for modes that end normally.</summary>
    private static long ExpectedAbortCode(ChurnMode mode) => mode switch
    {
        ChurnMode.Crashing => new ConnectionActorSettings().HandlerFailureErrorCode,
        ChurnMode.Aborting => ChurnServer.AbortCode,
        _ => -1,
    };

    private static async Task SampleAsync(HostedListener listener, Counters counters, ProgressBar progress, int total, Stopwatch clock, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var status = await listener.GetStatusAsync().ConfigureAwait(false);
            counters.ObserveLive(status.LiveStreams);
            progress.Report(Math.Min(counters.Done, total), Detail(counters.Done, clock.Elapsed, counters.PeakLive));
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Waits until both ends hold no stream and the server no slot, or <see cref="SettleTimeout"/> passes; returns the last snapshots.</summary>
    private static async Task<(Hosting.QuicListenerStatus Server, ConnectionStatus Client)> SettleAsync(HostedListener listener, ClientConnection client)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var serverStatus = await listener.GetStatusAsync().ConfigureAwait(false);
            var clientStatus = await client.GetStatusAsync().ConfigureAwait(false);
            var settled = serverStatus.LiveStreams == 0 && serverStatus.InboundBidirectionalInUse == 0 && clientStatus.LiveStreams == 0;
            if (settled || clock.Elapsed > SettleTimeout)
            {
                return (serverStatus, clientStatus);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
        }
    }

    private static string Detail(long done, TimeSpan elapsed, int peakLive) =>
        string.Create(CultureInfo.InvariantCulture, $"streams, {(elapsed > TimeSpan.Zero ? done / elapsed.TotalSeconds : 0):F0}/s, peak live {peakLive}");

    /// <summary>Shared by the workers; fields for Interlocked.</summary>
    private sealed class Counters
    {
        public long Next;
        public long DoneCount;
        public long CompletedCount;
        public long ExpectedAbortCount;
        private long _failures;
        private int _peakLive;
        private string? _firstFailure;

        public long Done => Interlocked.Read(ref DoneCount);

        public long Completed => Interlocked.Read(ref CompletedCount);

        public long ExpectedAborts => Interlocked.Read(ref ExpectedAbortCount);

        public long Failures => Interlocked.Read(ref _failures);

        public string? FirstFailure => Volatile.Read(ref _firstFailure);

        public int PeakLive => Volatile.Read(ref _peakLive);

        public void Fail(string message)
        {
            Interlocked.Increment(ref _failures);
            Interlocked.CompareExchange(ref _firstFailure, message, null);
        }

        public void ObserveLive(int live)
        {
            int peak;
            while (live > (peak = Volatile.Read(ref _peakLive)) && Interlocked.CompareExchange(ref _peakLive, live, peak) != peak)
            {
            }
        }
    }
}
