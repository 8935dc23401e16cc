using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace QuicActors.Transport;

/// <summary>How a client connects.</summary>
public sealed record QuicClientOptions
{
    /// <summary>The server's address.</summary>
    public required EndPoint RemoteEndPoint { get; init; }

    /// <summary>The TLS server name (SNI) and the name the certificate must carry; defaults to the host of <see cref="RemoteEndPoint"/>.</summary>
    public string? ServerName { get; init; }

    /// <summary>The ALPN protocols offered, most preferred first; at least one.</summary>
    public required IReadOnlyList<string> ApplicationProtocols { get; init; }

    /// <summary>The limits this client advertises.</summary>
    public QuicTransportParameters Transport { get; init; } = new();

    /// <summary>Whether the server's certificate is validated. On by default; turning it off must be an explicit choice.</summary>
    public bool ValidatePeerCertificate { get; init; } = true;

    /// <summary>Extra trust anchors for the server's certificate (self-signed test certificates), used in addition to the system store.</summary>
    public X509Certificate2Collection? TrustedCertificates { get; init; }

    /// <summary>A custom validation callback; when set it decides instead of the default chain check.</summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; init; }

    /// <summary>A certificate to present if the server asks for one.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>A ticket from an earlier connection to the same server, for resumption and 0-RTT.</summary>
    public QuicResumptionTicket? ResumptionTicket { get; init; }

    /// <summary>
    /// Whether to send 0-RTT data when <see cref="ResumptionTicket"/> allows it. When on and possible,
    /// <see cref="IQuicEngine.ConnectAsync"/> returns before the handshake completes so streams can be opened early.
    /// </summary>
    public bool EnableEarlyData { get; init; }

    /// <summary>How long the handshake may take before the connect fails with <see cref="QuicTransportError.ConnectionRefused"/>.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(RemoteEndPoint, nameof(RemoteEndPoint));
        QuicListenerOptions.ValidateProtocols(ApplicationProtocols, nameof(QuicClientOptions));
        Transport.Validate($"{nameof(QuicClientOptions)}.{nameof(Transport)}");
        if (HandshakeTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"{nameof(QuicClientOptions)}.{nameof(HandshakeTimeout)} = {HandshakeTimeout}: must be positive.", nameof(HandshakeTimeout));
    }
}
