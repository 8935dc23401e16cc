using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

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
    /// form SChannel (msquic on Windows) accepts: it refuses ephemeral keys.
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

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + dnsName, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), password: null, X509KeyStorageFlags.Exportable);
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
