using System.Security.Cryptography.X509Certificates;
using QuicActors.Hosting.Internal;

namespace QuicActors.TestKit;

/// <summary>
/// Self-signed server certificates for specs that run over a real engine (ngtcp2, msquic) or against a peer such as
/// quic-go: made on the fly, trusted by listing them in <c>QuicClientOptions.TrustedCertificates</c>.
/// </summary>
public static class TestCertificates
{
    /// <summary>
    /// A certificate for <paramref name="dnsName"/> (its subject and DNS name) and the loopback addresses 127.0.0.1 and
    /// ::1: ECDSA P-256, a server certificate (RFC 5280 extended key usage id-kp-serverAuth), valid from a day ago until 30
    /// days from now. Its private key is exportable (<see cref="ExportPrivateKeyPem"/>) and has been through PKCS#12, a
    /// form SChannel (msquic on Windows) accepts: it refuses ephemeral keys. The same certificate a hosted listener
    /// generates when it is given none.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="dnsName"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="dnsName"/> is empty, white space, or not a DNS name.</exception>
    public static X509Certificate2 CreateSelfSigned(string dnsName = "localhost")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dnsName);
        if (Uri.CheckHostName(dnsName) != UriHostNameType.Dns)
        {
            throw new ArgumentException($"'{dnsName}' is not a DNS name; the certificate is made for one (the loopback addresses are always in it).", nameof(dnsName));
        }

        return SelfSignedCertificate.Create(dnsName);
    }

    /// <summary>The private key of a certificate made by <see cref="CreateSelfSigned"/>, as PKCS#8 PEM (for a peer process such as quic-go).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="certificate"/> has no ECDSA private key.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The key may not be exported (a certificate not made by <see cref="CreateSelfSigned"/>).</exception>
    public static string ExportPrivateKeyPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException($"The certificate {certificate.Subject} has no ECDSA private key.", nameof(certificate));
        return key.ExportPkcs8PrivateKeyPem();
    }
}
