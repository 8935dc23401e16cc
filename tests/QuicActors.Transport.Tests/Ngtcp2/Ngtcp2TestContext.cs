using System.Net;
using System.Security.Cryptography.X509Certificates;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using QuicActors.Transport.Ngtcp2;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>Shared pieces of the ngtcp2 tests: a self-signed certificate, option builders, bounded event waits.</summary>
internal static class Ngtcp2TestContext
{
    public const string Alpn = "qa-test";
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static readonly Lazy<X509Certificate2> s_certificate = new(() => TestCertificates.CreateSelfSigned());

    public static X509Certificate2 Certificate => s_certificate.Value;

    /// <summary>Skips the test, printing why, when the ngtcp2 packages are missing here.</summary>
    public static Ngtcp2Engine EngineOrSkip()
    {
        var engine = new Ngtcp2Engine();
        Skip.UnlessAvailable(Ngtcp2Engine.EngineName, engine.IsAvailable, $"ngtcp2 engine unavailable: {engine.UnavailableReason}");
        return engine;
    }

    public static QuicListenerOptions Listener(QuicTransportParameters? transport = null, EarlyDataPolicy earlyData = EarlyDataPolicy.Disabled, string alpn = Alpn) => new()
    {
        ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        ApplicationProtocols = [alpn],
        ServerCertificate = Certificate,
        Transport = transport ?? new QuicTransportParameters(),
        EarlyData = earlyData,
    };

    public static QuicClientOptions Client(EndPoint server, QuicTransportParameters? transport = null, string alpn = Alpn) => new()
    {
        RemoteEndPoint = server,
        ServerName = "localhost",
        ApplicationProtocols = [alpn],
        TrustedCertificates = [Certificate],
        Transport = transport ?? new QuicTransportParameters(),
        HandshakeTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>A listener of <paramref name="engine"/> and a client connected to it over loopback, with the server's side of the connection.</summary>
    public static async Task<ConnectedPair> PairAsync(
        IQuicEngine engine, QuicTransportParameters? serverTransport = null, QuicTransportParameters? clientTransport = null)
    {
        var listener = await engine.ListenAsync(Listener(serverTransport));
        var accept = listener.AcceptConnectionAsync().AsTask();
        var client = await engine.ConnectAsync(Client(listener.LocalEndPoint, clientTransport)).AsTask().WaitAsync(Wait);
        var server = await accept.WaitAsync(Wait);
        return new ConnectedPair(listener, client, server);
    }

    /// <summary>What <see cref="PairAsync"/> made; disposing it disposes the server's connection, the client and the listener, in that order.</summary>
    public sealed record ConnectedPair(IQuicEngineListener Listener, IQuicEngineConnection Client, IQuicEngineConnection Server) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Client.DisposeAsync();
            await Listener.DisposeAsync();
        }
    }

    /// <summary>Reads events until one of type <typeparamref name="T"/> matching <paramref name="match"/> arrives; fails after the timeout.</summary>
    public static async Task<T> NextAsync<T>(IQuicEngineConnection connection, Func<T, bool>? match = null, List<EngineEvent>? seen = null) where T : EngineEvent
    {
        using var cts = new CancellationTokenSource(Wait);
        seen ??= [];
        while (true)
        {
            EngineEvent e;
            try
            {
                e = await connection.Events.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {typeof(T).Name} within {Wait}; saw: {string.Join(", ", seen)}");
            }
            seen.Add(e);
            if (e is T t && (match is null || match(t))) return t;
            if (e is ConnectionClosed closed && typeof(T) != typeof(ConnectionClosed))
                throw new InvalidOperationException($"Connection closed while waiting for {typeof(T).Name}: {closed.Close}");
        }
    }

    /// <summary>Reads a stream to its FIN, consuming as it goes; returns the bytes.</summary>
    public static async Task<byte[]> ReadToEndAsync(IQuicEngineConnection connection, QuicStreamId id)
    {
        var buffer = new MemoryStream();
        using var cts = new CancellationTokenSource(Wait);
        while (true)
        {
            var e = await connection.Events.ReadAsync(cts.Token);
            if (e is StreamDataReceived d && d.StreamId == id)
            {
                buffer.Write(d.Data.Span);
                connection.Consume(id, d.Length);
                var fin = d.IsFin;
                d.Dispose();
                if (fin) return buffer.ToArray();
            }
            else if (e is ConnectionClosed c)
            {
                throw new InvalidOperationException($"Connection closed while reading stream {id}: {c.Close}");
            }
        }
    }
}
