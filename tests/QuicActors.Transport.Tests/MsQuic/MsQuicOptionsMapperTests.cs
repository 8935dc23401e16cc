using System.Net;
using System.Net.Quic;
using System.Net.Security;
using System.Numerics;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using QuicActors.TestKit;
using QuicActors.Transport.MsQuic;
using QuicActors.Transport.MsQuic.Internal;

namespace QuicActors.Transport.Tests.MsQuic;

[SupportedOSPlatform("linux")]
[SupportedOSPlatform("windows")]
[SupportedOSPlatform("osx")]
public sealed class MsQuicOptionsMapperTests : IDisposable
{
    private readonly X509Certificate2 _certificate = TestCertificates.CreateSelfSigned();

    private QuicListenerOptions Listener(QuicTransportParameters? transport = null) => new()
    {
        ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        ApplicationProtocols = ["h3", "quic-actors-test"],
        ServerCertificate = _certificate,
        Transport = transport ?? new QuicTransportParameters(),
        AcceptBacklog = 17,
    };

    private static QuicClientOptions Client(QuicTransportParameters? transport = null, string? serverName = null) => new()
    {
        RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 4433),
        ServerName = serverName,
        ApplicationProtocols = ["quic-actors-test"],
        Transport = transport ?? new QuicTransportParameters(),
        HandshakeTimeout = TimeSpan.FromSeconds(3),
    };

    [Theory]
    [InlineData(1L, 1)]
    [InlineData(2L, 2)]
    [InlineData(3L, 2)]
    [InlineData(65536L, 65536)]
    [InlineData(256L * 1024 + 1, 256 * 1024)]
    [InlineData(1L << 30, 1 << 30)]
    [InlineData((1L << 62) - 1, 1 << 30)]
    public void Receive_windows_round_down_to_a_power_of_two(long window, int expected) =>
        Assert.Equal(expected, MsQuicOptionsMapper.ToReceiveWindowSize(window));

    [Fact]
    public void Receive_window_rounding_is_the_largest_power_of_two_not_above_the_window() =>
        Prop.ForAll(Gen.Choose(1, int.MaxValue).Select(i => (long)i * 3).ToArbitrary(), window =>
        {
            var size = MsQuicOptionsMapper.ToReceiveWindowSize(window);
            return BitOperations.IsPow2(size) && size <= window && (size == MsQuicOptionsMapper.MaxReceiveWindow || (long)size * 2 > window);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_zero_idle_timeout_disables_it_instead_of_taking_the_msquic_default()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, MsQuicOptionsMapper.ToIdleTimeout(TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(5), MsQuicOptionsMapper.ToIdleTimeout(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Server_options_set_every_limit_explicitly()
    {
        var transport = new QuicTransportParameters
        {
            MaxInboundBidirectionalStreams = 7,
            MaxInboundUnidirectionalStreams = 0,
            StreamReceiveWindow = 100_000,
            ConnectionReceiveWindow = 1_000_000,
            IdleTimeout = TimeSpan.FromSeconds(12),
        };
        Action<QuicConnection, QuicStreamCapacityChangedArgs> capacity = (_, _) => { };
        var options = MsQuicOptionsMapper.CreateServerConnectionOptions(Listener(transport), new MsQuicEngineOptions(), capacity);

        Assert.Equal(7, options.MaxInboundBidirectionalStreams);
        Assert.Equal(0, options.MaxInboundUnidirectionalStreams);
        Assert.Equal(TimeSpan.FromSeconds(12), options.IdleTimeout);
        Assert.Equal(65536, options.InitialReceiveWindowSizes.RemotelyInitiatedBidirectionalStream);
        Assert.Equal(65536, options.InitialReceiveWindowSizes.LocallyInitiatedBidirectionalStream);
        Assert.Equal(65536, options.InitialReceiveWindowSizes.UnidirectionalStream);
        Assert.Equal(524288, options.InitialReceiveWindowSizes.Connection);
        Assert.Equal(0, options.DefaultStreamErrorCode);
        Assert.Equal(0, options.DefaultCloseErrorCode);
        Assert.Same(capacity, options.StreamCapacityCallback);
        Assert.Same(_certificate, options.ServerAuthenticationOptions.ServerCertificate);
        Assert.False(options.ServerAuthenticationOptions.ClientCertificateRequired);
        Assert.Equal(["h3", "quic-actors-test"], options.ServerAuthenticationOptions.ApplicationProtocols!.Select(p => Encoding.UTF8.GetString(p.Protocol.Span)));
    }

    [Fact]
    public void Client_options_advertise_the_contract_limits_not_the_System_Net_Quic_client_defaults_of_zero()
    {
        var defaults = new QuicClientConnectionOptions();
        Assert.Equal(0, defaults.MaxInboundBidirectionalStreams);

        var options = MsQuicOptionsMapper.CreateClientConnectionOptions(Client(), new MsQuicEngineOptions(), null);

        Assert.Equal(100, options.MaxInboundBidirectionalStreams);
        Assert.Equal(100, options.MaxInboundUnidirectionalStreams);
        Assert.Equal(TimeSpan.FromSeconds(30), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), options.HandshakeTimeout);
        Assert.Equal(262144, options.InitialReceiveWindowSizes.RemotelyInitiatedBidirectionalStream);
        Assert.Equal(4194304, options.InitialReceiveWindowSizes.Connection);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 4433), options.RemoteEndPoint);
    }

    [Fact]
    public void Server_options_override_the_System_Net_Quic_server_defaults_too()
    {
        var transport = new QuicTransportParameters { MaxInboundBidirectionalStreams = 3, MaxInboundUnidirectionalStreams = 250 };
        var options = MsQuicOptionsMapper.CreateServerConnectionOptions(Listener(transport), new MsQuicEngineOptions(), null);
        Assert.Equal(3, options.MaxInboundBidirectionalStreams);
        Assert.Equal(250, options.MaxInboundUnidirectionalStreams);
    }

    [Fact]
    public void Client_certificate_validation_is_on_by_default()
    {
        var options = MsQuicOptionsMapper.CreateClientConnectionOptions(Client(), new MsQuicEngineOptions(), null);
        var validate = options.ClientAuthenticationOptions.RemoteCertificateValidationCallback;
        Assert.NotNull(validate);
        Assert.False(validate(this, _certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Equal(X509RevocationMode.NoCheck, options.ClientAuthenticationOptions.CertificateRevocationCheckMode);
    }

    [Fact]
    public void Client_trusts_its_TrustedCertificates_through_the_validation_callback()
    {
        var client = Client() with { TrustedCertificates = [_certificate] };
        var options = MsQuicOptionsMapper.CreateClientConnectionOptions(client, new MsQuicEngineOptions(), null);
        Assert.True(options.ClientAuthenticationOptions.RemoteCertificateValidationCallback!(this, _certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void Target_host_is_the_server_name_else_the_endpoint_host()
    {
        Assert.Equal("example.test", MsQuicOptionsMapper.CreateClientConnectionOptions(Client(serverName: "example.test"), new MsQuicEngineOptions(), null).ClientAuthenticationOptions.TargetHost);
        Assert.Equal("127.0.0.1", MsQuicOptionsMapper.CreateClientConnectionOptions(Client(), new MsQuicEngineOptions(), null).ClientAuthenticationOptions.TargetHost);
        var dns = Client() with { RemoteEndPoint = new DnsEndPoint("localhost", 4433) };
        Assert.Equal("localhost", MsQuicOptionsMapper.ResolveTargetHost(dns));
    }

    [Fact]
    public void Client_certificate_is_offered_when_set()
    {
        var options = MsQuicOptionsMapper.CreateClientConnectionOptions(Client() with { ClientCertificate = _certificate }, new MsQuicEngineOptions(), null);
        Assert.Same(_certificate, Assert.Single(options.ClientAuthenticationOptions.ClientCertificates!.Cast<X509Certificate>()));
    }

    [Fact]
    public void Engine_options_reach_both_roles()
    {
        var engine = new MsQuicEngineOptions { DefaultStreamErrorCode = 9, DefaultCloseErrorCode = 11, KeepAliveInterval = TimeSpan.FromSeconds(4) };
        var server = MsQuicOptionsMapper.CreateServerConnectionOptions(Listener(), engine, null);
        var client = MsQuicOptionsMapper.CreateClientConnectionOptions(Client(), engine, null);
        foreach (QuicConnectionOptions o in new QuicConnectionOptions[] { server, client })
        {
            Assert.Equal(9, o.DefaultStreamErrorCode);
            Assert.Equal(11, o.DefaultCloseErrorCode);
            Assert.Equal(TimeSpan.FromSeconds(4), o.KeepAliveInterval);
        }
    }

    [Fact]
    public void A_resumption_ticket_is_refused_as_not_supported()
    {
        var ticket = new QuicResumptionTicket("in-memory", "localhost", "quic-actors-test", new byte[] { 1, 2 }, DateTimeOffset.UtcNow.AddHours(1));
        var ex = Assert.Throws<QuicTransportException>(() => MsQuicOptionsMapper.CreateClientConnectionOptions(Client() with { ResumptionTicket = ticket }, new MsQuicEngineOptions(), null));
        Assert.Equal(QuicTransportError.NotSupported, ex.Error);
        Assert.Contains("0-RTT", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EarlyDataPolicy.Accept)]
    [InlineData(EarlyDataPolicy.Reject)]
    public void Early_data_policies_other_than_disabled_are_refused(EarlyDataPolicy policy)
    {
        var ex = Assert.Throws<QuicTransportException>(() => MsQuicOptionsMapper.CreateListenerOptions(Listener() with { EarlyData = policy }, NoOptions));
        Assert.Equal(QuicTransportError.NotSupported, ex.Error);
        Assert.Contains(policy.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Listener_options_carry_endpoint_protocols_backlog_and_the_options_callback()
    {
        var options = MsQuicOptionsMapper.CreateListenerOptions(Listener(), NoOptions);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 0), options.ListenEndPoint);
        Assert.Equal(17, options.ListenBacklog);
        Assert.Equal(2, options.ApplicationProtocols.Count);
        Assert.NotNull(options.ConnectionOptionsCallback);
    }

    [Fact]
    public void A_listener_needs_a_certificate_with_a_private_key()
    {
        var ex = Assert.Throws<ArgumentException>(() => MsQuicOptionsMapper.CreateListenerOptions(Listener() with { ServerCertificate = null }, NoOptions));
        Assert.Contains("ServerCertificate", ex.Message, StringComparison.Ordinal);

        using var publicOnly = X509CertificateLoader.LoadCertificate(_certificate.RawData);
        ex = Assert.Throws<ArgumentException>(() => MsQuicOptionsMapper.CreateServerConnectionOptions(Listener() with { ServerCertificate = publicOnly }, new MsQuicEngineOptions(), null));
        Assert.Contains("private key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listener_needs_an_ip_endpoint()
    {
        var ex = Assert.Throws<ArgumentException>(() => MsQuicOptionsMapper.CreateListenerOptions(Listener() with { ListenEndPoint = new DnsEndPoint("localhost", 0) }, NoOptions));
        Assert.Contains("localhost", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(65536, 1)]
    [InlineData(1, 70000)]
    public void Stream_limits_beyond_16_bits_are_rejected_naming_the_value(int bidirectional, int unidirectional)
    {
        var transport = new QuicTransportParameters { MaxInboundBidirectionalStreams = bidirectional, MaxInboundUnidirectionalStreams = unidirectional };
        var ex = Assert.Throws<ArgumentException>(() => MsQuicOptionsMapper.ValidateForMsQuic(transport, "QuicListenerOptions.Transport"));
        Assert.Contains(Math.Max(bidirectional, unidirectional).ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.Contains("QuicListenerOptions.Transport", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_largest_16_bit_limit_is_accepted() =>
        MsQuicOptionsMapper.ValidateForMsQuic(new QuicTransportParameters { MaxInboundBidirectionalStreams = 65535, MaxInboundUnidirectionalStreams = 65535 }, "x");

    private static ValueTask<QuicServerConnectionOptions> NoOptions(QuicConnection connection, SslClientHelloInfo hello, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("not called in these tests");

    public void Dispose() => _certificate.Dispose();
}
