using System.Net;
using System.Security.Cryptography.X509Certificates;
using QuicActors.Hosting.Internal;
using QuicActors.Transport;
using QuicActors.Transport.InMemory;

namespace QuicActors.Examples.Common;

/// <summary>
/// A server engine and a client engine for an example that runs both ends in one process, with matching listener and
/// client options: a private in-memory network, or loopback UDP with a self-signed "localhost" certificate the client trusts.
/// </summary>
internal sealed class ExampleEngines : IAsyncDisposable
{
    public const string DefaultEngine = InMemoryQuicEngine.EngineName;

    private ExampleEngines(IQuicEngine server, IQuicEngine client, X509Certificate2? certificate)
    {
        Server = server;
        Client = client;
        Certificate = certificate;
    }

    public IQuicEngine Server { get; }

    public IQuicEngine Client { get; }

    public X509Certificate2? Certificate { get; }

    /// <summary>Engines by name; <paramref name="earlyDataRoundTrip"/> sets the in-memory handshake delay for 0-RTT.</summary>
    /// <exception cref="ArgumentException">Unknown engine name.</exception>
    /// <exception cref="QuicTransportException">The engine is unavailable here (<see cref="QuicTransportError.EngineUnavailable"/>).</exception>
    public static ExampleEngines Create(string name, TimeSpan? earlyDataRoundTrip = null)
    {
        if (name == InMemoryQuicEngine.EngineName)
        {
            var options = new InMemoryEngineOptions { Network = new InMemoryNetwork() };
            if (earlyDataRoundTrip is { } rtt)
            {
                options = options with { EarlyDataRoundTrip = rtt };
            }

            return new ExampleEngines(new InMemoryQuicEngine(options with { Seed = 1 }), new InMemoryQuicEngine(options with { Seed = 2 }), null);
        }

        var engine = QuicEngines.Create(name);
        var certificate = (engine.Capabilities & EngineCapabilities.RealNetwork) != 0 ? SelfSignedCertificate.Create() : null;
        return new ExampleEngines(engine, engine, certificate);
    }

    public QuicListenerOptions ListenerOptions(string alpn, QuicTransportParameters transport, EarlyDataPolicy earlyData = EarlyDataPolicy.Disabled) => new()
    {
        ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        ApplicationProtocols = [alpn],
        ServerCertificate = Certificate,
        Transport = transport,
        EarlyData = earlyData,
    };

    public QuicClientOptions ClientOptions(EndPoint server, string alpn) => new()
    {
        RemoteEndPoint = server,
        ServerName = Certificate is null ? null : SelfSignedCertificate.SubjectName,
        ApplicationProtocols = [alpn],
        TrustedCertificates = Certificate is null ? null : [Certificate],
    };

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync().ConfigureAwait(false);
        if (!ReferenceEquals(Server, Client))
        {
            await Client.DisposeAsync().ConfigureAwait(false);
        }

        Certificate?.Dispose();
    }
}
