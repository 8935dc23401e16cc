using System.Security.Cryptography.X509Certificates;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Hosting;

/// <summary>
/// What a hosted listener needs beyond configuration: its stream handler, and optionally its name, a ready engine and a
/// certificate. Address, port, ALPN, stream limits, linger and shutdown come from configuration (see <see cref="HostingConfig"/>).
/// </summary>
public sealed class QuicListenerHostOptions
{
    /// <summary>Names the listener in logs and actor names (letters, digits and '-').</summary>
    public string Name { get; set; } = "listener";

    /// <summary>Runs for each stream a client opens; returning releases the stream to the linger policy.</summary>
    public Func<StreamHandle, CancellationToken, Task>? Handler { get; set; }

    /// <summary>
    /// The engine to listen on; the listener disposes it on stop. Null: the engine <c>quic-actors.hosting.engine</c> names
    /// (an in-memory engine joins <see cref="Transport.InMemory.InMemoryNetwork.Shared"/>).
    /// </summary>
    public IQuicEngine? Engine { get; set; }

    /// <summary>
    /// The server certificate with its private key. Null on an engine that runs over a real network: a self-signed
    /// certificate for "localhost" is generated at start (see <see cref="QuicListenerService.ServerCertificate"/>).
    /// </summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>Applied last to the transport options built from configuration, for settings HOCON does not carry.</summary>
    public Func<QuicListenerOptions, QuicListenerOptions>? ConfigureTransport { get; set; }
}
