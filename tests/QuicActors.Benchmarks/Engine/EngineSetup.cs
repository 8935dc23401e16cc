using System.Net;
using QuicActors.Transport;
using QuicActors.Transport.InMemory;

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
        _ => throw new ArgumentException($"Unknown engine \"{name}\". Known engines: {InMemoryQuicEngine.EngineName}.", nameof(name)),
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

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (!ReferenceEquals(Server, Client)) await Client.DisposeAsync();
    }
}
