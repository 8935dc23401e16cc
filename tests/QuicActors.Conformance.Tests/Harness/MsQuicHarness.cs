using System.Net;
using System.Security.Cryptography.X509Certificates;
using QuicActors.TestKit;
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
    private readonly X509Certificate2 _certificate = TestCertificates.CreateSelfSigned();

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
}
