using System.Net.Security;
using QuicActors.TestKit;
using QuicActors.Transport;
using static QuicActors.Transport.Tests.Ngtcp2.Ngtcp2TestContext;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>The application's certificate callback decides instead of GnuTLS's chain check.</summary>
public sealed class Ngtcp2CertificateTests
{
    [SkippableFact]
    public async Task RemoteCertificateValidation_sees_the_server_certificate_and_can_refuse_it()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener());
        string? seenSubject = null;
        SslPolicyErrors seenErrors = SslPolicyErrors.None;
        var accepting = Client(listener.LocalEndPoint) with
        {
            TrustedCertificates = null,
            RemoteCertificateValidation = (_, certificate, _, errors) =>
            {
                seenSubject = certificate?.Subject;
                seenErrors = errors;
                // Pins the test certificate by thumbprint: the callback, not the chain, decides.
                return certificate is not null && certificate.GetCertHashString() == Certificate.GetCertHashString();
            },
        };
        await using (var client = await engine.ConnectAsync(accepting).AsTask().WaitAsync(Wait))
        {
            Assert.Equal("CN=localhost", seenSubject);
            Assert.True(seenErrors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors), "self-signed and not trusted: the callback is told");
        }

        var refusing = accepting with { RemoteCertificateValidation = (_, _, _, _) => false };
        var ex = await Assert.ThrowsAsync<QuicTransportException>(() => engine.ConnectAsync(refusing).AsTask().WaitAsync(Wait));
        Assert.Equal(QuicTransportError.HandshakeFailed, ex.Error);
        Assert.Contains("RemoteCertificateValidation", ex.Message, StringComparison.Ordinal);
    }
}
