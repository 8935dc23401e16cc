using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace QuicActors.Transport;

/// <summary>How a server listens.</summary>
public sealed record QuicListenerOptions
{
    /// <summary>The local address to bind; port 0 picks a free one (see <see cref="IQuicEngineListener.LocalEndPoint"/>).</summary>
    public required EndPoint ListenEndPoint { get; init; }

    /// <summary>The ALPN protocols accepted, most preferred first; at least one. A client offering none of them fails its handshake.</summary>
    public required IReadOnlyList<string> ApplicationProtocols { get; init; }

    /// <summary>The server's certificate with its private key. Required by engines with <see cref="EngineCapabilities.RealNetwork"/>.</summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>The limits this server advertises on each connection.</summary>
    public QuicTransportParameters Transport { get; init; } = new();

    /// <summary>Whether resumed clients may send 0-RTT data.</summary>
    public EarlyDataPolicy EarlyData { get; init; } = EarlyDataPolicy.Disabled;

    /// <summary>How many handshaken connections may wait for <see cref="IQuicEngineListener.AcceptConnectionAsync"/>; more are refused.</summary>
    public int AcceptBacklog { get; init; } = 512;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(ListenEndPoint, nameof(ListenEndPoint));
        ValidateProtocols(ApplicationProtocols, nameof(QuicListenerOptions));
        Transport.Validate($"{nameof(QuicListenerOptions)}.{nameof(Transport)}");
        if (AcceptBacklog <= 0)
            throw new ArgumentException($"{nameof(QuicListenerOptions)}.{nameof(AcceptBacklog)} = {AcceptBacklog}: must be positive.", nameof(AcceptBacklog));
    }

    internal static void ValidateProtocols(IReadOnlyList<string>? protocols, string owner)
    {
        if (protocols is null || protocols.Count == 0)
            throw new ArgumentException($"{owner}.ApplicationProtocols: at least one ALPN protocol is required.", nameof(protocols));
        foreach (var p in protocols)
        {
            if (string.IsNullOrEmpty(p) || System.Text.Encoding.UTF8.GetByteCount(p) > 255)
                throw new ArgumentException($"{owner}.ApplicationProtocols: \"{p}\" is not a valid ALPN protocol (1..255 bytes of UTF-8).", nameof(protocols));
        }
    }
}
