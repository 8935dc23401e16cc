using System.Net;
using QuicActors.Hosting.Internal;
using QuicActors.Transport;
using QuicActors.Transport.InMemory;
using QuicActors.Transport.Ngtcp2;

namespace QuicActors.Benchmarks.Engine;

/// <summary>An engine ready for a benchmark: the engines for each side and how to make listener and client options.</summary>
internal sealed record EngineSetup(
    IQuicEngine Server,
    IQuicEngine Client,
    Func<QuicTransportParameters, QuicListenerOptions> ListenerOptions,
    Func<EndPoint, QuicTransportParameters, QuicClientOptions> ClientOptions) : IAsyncDisposable
{
    public const string Alpn = "quic-actors-bench";

    /// <summary>
    /// The one place that maps an engine name to an engine. Engines that need certificates or native libraries add
    /// their case here; an engine that cannot run on this machine reports why through <see cref="IQuicEngine.UnavailableReason"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not a known engine.</exception>
    public static EngineSetup Create(string name) => name switch
    {
        InMemoryQuicEngine.EngineName => InMemory(),
        Ngtcp2Engine.EngineName => Ngtcp2(),
        _ => throw new ArgumentException($"Unknown engine \"{name}\". Known engines: {InMemoryQuicEngine.EngineName}, {Ngtcp2Engine.EngineName}.", nameof(name)),
    };

    private static EngineSetup InMemory()
    {
        var engine = new InMemoryQuicEngine(new InMemoryEngineOptions { Network = new InMemoryNetwork() });
        return new EngineSetup(
            engine,
            engine,
            transport => new QuicListenerOptions { ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0), ApplicationProtocols = [Alpn], Transport = transport },
            (server, transport) => new QuicClientOptions { RemoteEndPoint = server, ApplicationProtocols = [Alpn], Transport = transport });
    }

    /// <summary>ngtcp2 over loopback UDP: a self-signed "localhost" certificate that the client trusts explicitly.</summary>
    private static EngineSetup Ngtcp2()
    {
        var engine = new Ngtcp2Engine();
        var certificate = SelfSignedCertificate.Create();
        return new EngineSetup(
            engine,
            engine,
            transport => new QuicListenerOptions { ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0), ApplicationProtocols = [Alpn], ServerCertificate = certificate, Transport = transport },
            (server, transport) => new QuicClientOptions { RemoteEndPoint = server, ServerName = SelfSignedCertificate.SubjectName, ApplicationProtocols = [Alpn], TrustedCertificates = [certificate], Transport = transport });
    }

    /// <summary>Listens on the server engine, connects the client engine to it with <paramref name="transport"/> on both sides, and accepts.</summary>
    public async Task<ConnectedPair> ConnectAsync(QuicTransportParameters transport)
    {
        var listener = await Server.ListenAsync(ListenerOptions(transport));
        var connecting = Client.ConnectAsync(ClientOptions(listener.LocalEndPoint, transport)).AsTask();
        var server = await listener.AcceptConnectionAsync();
        return new ConnectedPair(listener, server, await connecting);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (!ReferenceEquals(Server, Client)) await Client.DisposeAsync();
    }
}

/// <summary>A listener and the two ends of one connection through it; disposed client first, listener last.</summary>
internal sealed record ConnectedPair(IQuicEngineListener Listener, IQuicEngineConnection Server, IQuicEngineConnection Client) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
        await Listener.DisposeAsync();
    }
}
