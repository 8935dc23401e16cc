using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using QuicActors.Hosting.Internal;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;
using QuicActors.Transport.InMemory;
using QuicActors.Transport.Ngtcp2;
using Serilog;
using Serilog.Events;

namespace QuicActors.Examples.Datagrams;

/// <summary>
/// A client and a server connection actor with datagram flows on. Each client flow writes a few bytes (so the server
/// has the stream), sends its datagrams, sends FIN and then tries one more datagram, which is refused (RFC 9297 §2.1).
/// The server echoes every datagram until the client's FIN ends its flow, then reads to EOF and answers with FIN. Every
/// fifth client is impatient: it aborts reading right after sending, so the server's echoes still in flight are dropped
/// and counted on arrival, and the echoes sent after the STOP_SENDING reached the server are refused there.
/// </summary>
internal static class DatagramsExample
{
    private const string Alpn = "quic-actors-datagrams";
    private const long ImpatientCode = 0x10;
    private const int Concurrency = 8;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task<DatagramsReport> RunAsync(DatagramsOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var logger = new LoggerConfiguration()
            .MinimumLevel.Warning()
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateLogger();
        await using var engines = EngineSetup.Create(options.Engine);
        var transport = new QuicTransportParameters { MaxDatagramFrameSize = 1200, DatagramReceiveQueueCapacity = 4096 };
        await using var listener = await engines.Engine.ListenAsync(engines.ListenerOptions(transport), cancellationToken).ConfigureAwait(false);
        var connecting = engines.Engine.ConnectAsync(engines.ClientOptions(listener.LocalEndPoint, transport), cancellationToken).AsTask();
        await using var server = await listener.AcceptConnectionAsync(cancellationToken).AsTask().WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
        await using var client = await connecting.WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
        var system = ActorSystem.Create("datagrams", ActorSystemSettings.Default with { Logger = logger });
        try
        {
            var serverActor = system.ActorOf(ConnectionActor.Props(server, new ConnectionActorSettings
            {
                ConnectionId = 1,
                DatagramFlows = true,
                DatagramQueueCapacity = Math.Max(64, options.DatagramsPerFlow),
                StreamHandler = EchoUntilFinAsync,
            }), "server");
            var clientActor = system.ActorOf(ConnectionActor.Props(client, new ConnectionActorSettings
            {
                ConnectionId = 2,
                DatagramFlows = true,
                DatagramQueueCapacity = Math.Max(64, options.DatagramsPerFlow),
            }), "client");

            await output.WriteLineAsync($"datagrams: {options.Flows} flows, {options.DatagramsPerFlow} datagrams each, engine {options.Engine}").ConfigureAwait(false);
            var started = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(
                Enumerable.Range(0, options.Flows),
                new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
                (index, _) => new ValueTask(RunFlowAsync(clientActor, index, options.DatagramsPerFlow))).ConfigureAwait(false);

            await SettleAsync(serverActor, cancellationToken).ConfigureAwait(false);
            await SettleAsync(clientActor, cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var clientStatus = await ConnectionActor.GetDatagramStatusAsync(clientActor).ConfigureAwait(false);
            var serverStatus = await ConnectionActor.GetDatagramStatusAsync(serverActor).ConfigureAwait(false);
            return new DatagramsReport(clientStatus, serverStatus, clientStatus.ActiveFlows + serverStatus.ActiveFlows, elapsed);
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
            await logger.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task RunFlowAsync(IActorRef clientActor, int index, int datagrams)
    {
        await using var stream = await ConnectionActor.OpenStreamAsync(clientActor, StreamDirection.Bidirectional, Patience).ConfigureAwait(false);

        // Stream data first: the server binds the flow when the stream reaches it, and drops datagrams of unknown streams.
        await stream.WriteAsync("flow"u8.ToArray()).ConfigureAwait(false);
        var payload = new byte[8];
        for (var i = 0; i < datagrams; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(payload, index);
            BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(4), i);
            await stream.SendDatagramAsync(payload).ConfigureAwait(false);
        }

        var impatient = index % 5 == 4;
        if (impatient)
        {
            stream.Abort(StreamAbortDirection.Read, ImpatientCode);
        }

        await stream.CompleteWritesAsync().ConfigureAwait(false);
        try
        {
            await stream.SendDatagramAsync(payload).ConfigureAwait(false);
            throw new InvalidOperationException($"Stream {stream.StreamId}: a datagram after FIN was sent; RFC 9297 §2.1 says it must be refused.");
        }
        catch (StreamDatagramRefusedException)
        {
            // Expected: the send half is closed.
        }

        if (impatient)
        {
            return;
        }

        var echo = new byte[64];
        while (await stream.ReadDatagramAsync(echo).ConfigureAwait(false) >= 0)
        {
        }

        while (await stream.ReadAsync(echo).ConfigureAwait(false) > 0)
        {
        }
    }

    private static async Task EchoUntilFinAsync(StreamHandle stream, CancellationToken peerAborted)
    {
        var buffer = new byte[1200];
        int length;

        // -1 once the client's FIN closed the flow's receive side and every datagram queued before it was read. Not
        // cancelled by peerAborted: an impatient client's STOP_SENDING ends our sending, not its datagrams to us.
        while ((length = await stream.ReadDatagramAsync(buffer, CancellationToken.None).ConfigureAwait(false)) >= 0)
        {
            try
            {
                await stream.SendDatagramAsync(buffer.AsMemory(0, length)).ConfigureAwait(false);
            }
            catch (StreamDatagramRefusedException)
            {
                // An impatient client's STOP_SENDING reset our send half: no more echoes on this flow.
            }
        }

        while (await stream.ReadAsync(buffer).ConfigureAwait(false) > 0)
        {
        }

        try
        {
            await stream.WriteAsync("done"u8.ToArray(), completeWrites: true).ConfigureAwait(false);
        }
        catch (StreamAbortedException)
        {
            // The impatient client stopped reading.
        }
    }

    private static async Task SettleAsync(IActorRef connectionActor, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Patience.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var status = await ConnectionActor.GetStatusAsync(connectionActor).ConfigureAwait(false);
            if (status.LiveStreams == 0)
            {
                return;
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One engine for both ends, and how to make its listener and client options.</summary>
    private sealed class EngineSetup(IQuicEngine engine, X509Certificate2? certificate) : IAsyncDisposable
    {
        public IQuicEngine Engine => engine;

        public static EngineSetup Create(string name)
        {
            IQuicEngine engine = name == Ngtcp2Engine.EngineName
                ? new Ngtcp2Engine()
                : new InMemoryQuicEngine(new InMemoryEngineOptions { Network = new InMemoryNetwork() });
            if (engine.UnavailableReason is { } reason)
            {
                throw new EngineUnavailableException($"engine {name} is unavailable here: {reason}");
            }

            return new EngineSetup(engine, name == Ngtcp2Engine.EngineName ? SelfSignedCertificate.Create() : null);
        }

        public QuicListenerOptions ListenerOptions(QuicTransportParameters transport) => new()
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = [Alpn],
            ServerCertificate = certificate,
            Transport = transport,
        };

        public QuicClientOptions ClientOptions(EndPoint server, QuicTransportParameters transport) => new()
        {
            RemoteEndPoint = server,
            ServerName = SelfSignedCertificate.SubjectName,
            ApplicationProtocols = [Alpn],
            TrustedCertificates = certificate is null ? [] : [certificate],
            Transport = transport,
        };

        public async ValueTask DisposeAsync()
        {
            await engine.DisposeAsync().ConfigureAwait(false);
            certificate?.Dispose();
        }
    }
}
