using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using QuicActors.TestKit;

namespace QuicActors.TestKit.Tests;

public sealed class TestCertificatesTests
{
    [Fact]
    public void A_self_signed_certificate_names_its_host_and_the_loopback_addresses_and_carries_an_exportable_key()
    {
        using var certificate = TestCertificates.CreateSelfSigned("spec.example");

        Assert.Equal("CN=spec.example", certificate.Subject);
        Assert.Equal(certificate.Subject, certificate.Issuer);
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["spec.example"], names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], names.EnumerateIPAddresses());
        Assert.Contains(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>(), oid => oid.Value == "1.3.6.1.5.5.7.3.1");
        Assert.True(certificate.HasPrivateKey);
        Assert.True(certificate.NotBefore < DateTime.Now && certificate.NotAfter > DateTime.Now.AddDays(29));

        // The exported key is the certificate's: it signs what the certificate's public key verifies.
        using var key = ECDsa.Create();
        key.ImportFromPem(TestCertificates.ExportPrivateKeyPem(certificate));
        var data = "spec"u8.ToArray();
        Assert.True(certificate.GetECDsaPublicKey()!.VerifyData(data, key.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Each_certificate_is_a_new_one()
    {
        using var first = TestCertificates.CreateSelfSigned();
        using var second = TestCertificates.CreateSelfSigned();
        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a host")]
    [InlineData("127.0.0.1")]
    public void A_name_that_is_not_a_DNS_name_is_refused_with_the_name(string name)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => TestCertificates.CreateSelfSigned(name));
        Assert.Equal("dnsName", error.ParamName);
        if (name.Length > 0)
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_certificate_without_a_private_key_is_refused_when_its_key_is_asked_for()
    {
        using var withKey = TestCertificates.CreateSelfSigned();
        using var publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData);
        var error = Assert.Throws<ArgumentException>(() => TestCertificates.ExportPrivateKeyPem(publicOnly));
        Assert.Contains("CN=localhost", error.Message, StringComparison.Ordinal);
    }
}
