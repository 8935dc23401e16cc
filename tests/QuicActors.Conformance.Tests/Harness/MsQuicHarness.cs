using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using QuicActors.Transport;
using QuicActors.Transport.MsQuic;

namespace QuicActors.Conformance.Tests.Harness;

/// <summary>
/// The System.Net.Quic engine under test: one <see cref="MsQuicEngine"/> for both ends, real UDP on 127.0.0.1 with a
/// port picked by the OS, a self-signed certificate for "localhost" made for this harness and trusted by its clients
/// through <see cref="QuicClientOptions.TrustedCertificates"/> (validation stays on). Time is the wall clock.
/// Where libmsquic is missing, <see cref="EngineHarness.UnavailableReason"/> says so and the suite skips.
/// </summary>
public sealed class MsQuicHarness : EngineHarness
{
    private readonly MsQuicEngine _engine = new();
    private readonly X509Certificate2 _certificate = CreateLocalhostCertificate();

    /// <inheritdoc />
    public override string Name => MsQuicEngine.EngineName;

    /// <inheritdoc />
    public override IQuicEngine ServerEngine => _engine;

    /// <inheritdoc />
    public override IQuicEngine ClientEngine => _engine;

    /// <summary>The server certificate the harness's listeners present and its clients trust.</summary>
    public X509Certificate2 Certificate => _certificate;

    /// <inheritdoc />
    public override QuicListenerOptions CreateListenerOptions(QuicTransportParameters transport, EarlyDataPolicy earlyData = EarlyDataPolicy.Disabled, IReadOnlyList<string>? applicationProtocols = null) => new()
    {
        ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        ApplicationProtocols = applicationProtocols ?? [ApplicationProtocol],
        ServerCertificate = _certificate,
        Transport = transport,
        EarlyData = earlyData,
    };

    /// <inheritdoc />
    public override QuicClientOptions CreateClientOptions(EndPoint server, QuicTransportParameters transport, IReadOnlyList<string>? applicationProtocols = null) => new()
    {
        RemoteEndPoint = server,
        ServerName = "localhost",
        ApplicationProtocols = applicationProtocols ?? [ApplicationProtocol],
        TrustedCertificates = [_certificate],
        Transport = transport,
    };

    /// <inheritdoc />
    public override EngineDeviations Deviations =>
        EngineDeviations.StopSendingAnsweredWithCodeZero | EngineDeviations.NoResetReportedAfterOwnStopSending | EngineDeviations.NoCloseReasonPhrase;

    /// <summary>msquic runs on the wall clock, so time passes by waiting.</summary>
    public override Task AdvanceAsync(TimeSpan duration) => Task.Delay(duration);

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        _certificate.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static X509Certificate2 CreateLocalhostCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // A PKCS#12 round trip gives the key a form SChannel (Windows msquic) accepts; ephemeral keys are refused there.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), password: null);
    }
}
