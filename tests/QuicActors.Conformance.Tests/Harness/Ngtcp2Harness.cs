using System.Net;
using System.Security.Cryptography.X509Certificates;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Ngtcp2;

namespace QuicActors.Conformance.Tests.Harness;

/// <summary>
/// The ngtcp2 engine with both ends ours over loopback UDP: a self-signed certificate for "localhost" that the client
/// trusts explicitly, real time. Clients reach the server through a <see cref="DelayingUdpRelay"/> that delays the
/// server's packets, since on bare loopback the handshake completes before a test can act in 0-RTT. Unavailable (and so skipped, with the reason) where the ngtcp2 packages are missing.
/// </summary>
public sealed class Ngtcp2Harness : EngineHarness
{
    private static readonly Lazy<X509Certificate2> s_certificate = new(() => TestCertificates.CreateSelfSigned());
    /// <summary>One-way delay added to the server's packets: a 0-RTT test acts well within it even on a loaded machine.</summary>
    private static readonly TimeSpan s_serverDelay = TimeSpan.FromMilliseconds(50);
    private readonly Ngtcp2Engine _engine = new();
    private readonly Dictionary<EndPoint, DelayingUdpRelay> _relays = [];

    /// <inheritdoc />
    public override string Name => Ngtcp2Engine.EngineName;

    /// <inheritdoc />
    public override IQuicEngine ServerEngine => _engine;

    /// <inheritdoc />
    public override IQuicEngine ClientEngine => _engine;

    /// <inheritdoc />
    public override QuicListenerOptions CreateListenerOptions(QuicTransportParameters transport, EarlyDataPolicy earlyData = EarlyDataPolicy.Disabled, IReadOnlyList<string>? applicationProtocols = null) => new()
    {
        ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        ApplicationProtocols = applicationProtocols ?? [ApplicationProtocol],
        ServerCertificate = s_certificate.Value,
        Transport = transport,
        EarlyData = earlyData,
    };

    /// <inheritdoc />
    public override QuicClientOptions CreateClientOptions(EndPoint server, QuicTransportParameters transport, IReadOnlyList<string>? applicationProtocols = null) => new()
    {
        RemoteEndPoint = RelayTo(server),
        ServerName = "localhost",
        ApplicationProtocols = applicationProtocols ?? [ApplicationProtocol],
        TrustedCertificates = [s_certificate.Value],
        Transport = transport,
    };

    /// <inheritdoc />
    public override EngineDeviations Deviations => EngineDeviations.AlpnServerListUnknownToClient;

    private EndPoint RelayTo(EndPoint server)
    {
        lock (_relays)
        {
            if (!_relays.TryGetValue(server, out var relay)) _relays[server] = relay = new DelayingUdpRelay(server, s_serverDelay);
            return relay.EndPoint;
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        DelayingUdpRelay[] relays;
        lock (_relays) relays = [.. _relays.Values];
        foreach (var relay in relays) await relay.DisposeAsync();
    }

    /// <summary>The engine runs on the wall clock (ngtcp2's timers), so time passes for real.</summary>
    public override Task AdvanceAsync(TimeSpan duration) => Task.Delay(duration);
}
