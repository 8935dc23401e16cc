using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using QuicActors.TestKit;
using QuicActors.Transport.MsQuic.Internal;

namespace QuicActors.Transport.Tests.MsQuic;

public sealed class PeerCertificateValidatorTests : IDisposable
{
    private readonly X509Certificate2 _server = TestCertificates.CreateSelfSigned();
    private readonly X509Certificate2 _other = TestCertificates.CreateSelfSigned("someone-else");

    private static QuicClientOptions Client(X509Certificate2Collection? trusted = null, bool validate = true, RemoteCertificateValidationCallback? callback = null) => new()
    {
        RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 4433),
        ApplicationProtocols = ["test"],
        TrustedCertificates = trusted,
        ValidatePeerCertificate = validate,
        RemoteCertificateValidation = callback,
    };

    [Fact]
    public void Accepts_what_the_system_store_already_trusts()
    {
        var callback = PeerCertificateValidator.Create(Client());
        Assert.True(callback(this, _server, null, SslPolicyErrors.None));
    }

    [Fact]
    public void Rejects_an_untrusted_self_signed_certificate_by_default()
    {
        var callback = PeerCertificateValidator.Create(Client());
        Assert.False(callback(this, _server, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void Accepts_a_self_signed_certificate_listed_in_TrustedCertificates()
    {
        var callback = PeerCertificateValidator.Create(Client([_server]));
        Assert.True(callback(this, _server, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void TrustedCertificates_do_not_vouch_for_a_different_certificate()
    {
        var callback = PeerCertificateValidator.Create(Client([_other]));
        Assert.False(callback(this, _server, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void TrustedCertificates_never_excuse_a_name_mismatch()
    {
        var callback = PeerCertificateValidator.Create(Client([_server]));
        Assert.False(callback(this, _server, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(callback(this, _server, null, SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void A_missing_certificate_is_rejected_even_with_trust_anchors()
    {
        var callback = PeerCertificateValidator.Create(Client([_server]));
        Assert.False(callback(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.False(callback(this, null, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void Turning_validation_off_is_explicit_and_accepts_anything()
    {
        var callback = PeerCertificateValidator.Create(Client(validate: false));
        Assert.True(callback(this, _server, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void A_custom_callback_decides_instead_of_the_default_check()
    {
        var calls = 0;
        RemoteCertificateValidationCallback custom = (_, _, _, errors) =>
        {
            calls++;
            return errors == SslPolicyErrors.RemoteCertificateChainErrors;
        };
        var callback = PeerCertificateValidator.Create(Client(callback: custom));
        Assert.Same(custom, callback);
        Assert.True(callback(this, _server, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(callback(this, _server, null, SslPolicyErrors.None));
        Assert.Equal(2, calls);
    }

    public void Dispose()
    {
        _server.Dispose();
        _other.Dispose();
    }
}
