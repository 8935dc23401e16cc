using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace QuicActors.Hosting.Internal;

/// <summary>
/// A throwaway server certificate: for listeners started without one, and (through the TestKit's
/// <c>TestCertificates</c>) for specs over a real engine. The name given and 127.0.0.1/::1, ECDSA P-256, 30 days.
/// </summary>
internal static class SelfSignedCertificate
{
    public const string SubjectName = "localhost";

    /// <summary>A certificate for <paramref name="dnsName"/> (subject and DNS name) and the loopback addresses; its key is exportable.</summary>
    public static X509Certificate2 Create(string dnsName = SubjectName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + dnsName, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        // A PKCS#12 round trip gives the key a form SChannel (msquic on Windows) accepts: it refuses ephemeral keys.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), password: null, X509KeyStorageFlags.Exportable);
    }
}
