namespace QuicActors.Transport.Ngtcp2;

/// <summary>
/// Settings of the ngtcp2 engine that the engine-neutral options do not carry: certificates as PEM files, for servers
/// that keep their certificate on disk rather than in an <see cref="System.Security.Cryptography.X509Certificates.X509Certificate2"/>.
/// </summary>
public sealed record Ngtcp2EngineOptions
{
    /// <summary>The server certificate chain (PEM), used when <see cref="QuicListenerOptions.ServerCertificate"/> is null.</summary>
    public string? CertificatePemPath { get; init; }

    /// <summary>The server certificate's private key (PEM, PKCS#8 or traditional), paired with <see cref="CertificatePemPath"/>.</summary>
    public string? PrivateKeyPemPath { get; init; }

    /// <summary>Extra trust anchors for clients (PEM bundle), added to the system store and <see cref="QuicClientOptions.TrustedCertificates"/>.</summary>
    public string? TrustedCertificatesPemPath { get; init; }
}
