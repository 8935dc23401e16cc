using System.Net;
using System.Net.Quic;
using QuicActors.TestKit;
using QuicActors.Transport.MsQuic;
using QuicActors.Transport.MsQuic.Internal;

namespace QuicActors.Transport.Tests.MsQuic;

public sealed class MsQuicEngineTests
{
    private const string LibMsQuicInstalled = "System.Net.Quic reports IsSupported == true: libmsquic is installed, so the unavailable path cannot be exercised here";

    private static QuicListenerOptions Listener() => new()
    {
        ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        ApplicationProtocols = ["quic-actors-test"],
        ServerCertificate = TestCertificates.CreateSelfSigned(),
    };

    private static QuicClientOptions Client() => new()
    {
        RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 4433),
        ApplicationProtocols = ["quic-actors-test"],
    };

    [Fact]
    public void Names_itself_msquic_and_reports_exactly_its_capabilities()
    {
        var engine = new MsQuicEngine();
        Assert.Equal("msquic", engine.Name);
        Assert.Equal(
            EngineCapabilities.ExplicitSlotRelease | EngineCapabilities.UnidirectionalStreams | EngineCapabilities.AcknowledgementEvents | EngineCapabilities.RealNetwork,
            engine.Capabilities);
        Assert.False(engine.Capabilities.HasFlag(EngineCapabilities.ZeroRtt));
        Assert.False(engine.Capabilities.HasFlag(EngineCapabilities.Datagrams));
        Assert.False(engine.Capabilities.HasFlag(EngineCapabilities.VirtualTime));
    }

    [Fact]
    public void Availability_follows_System_Net_Quic()
    {
        var engine = new MsQuicEngine();
        var supported = (OperatingSystem.IsLinux() || OperatingSystem.IsWindows() || OperatingSystem.IsMacOS())
            && QuicListener.IsSupported && QuicConnection.IsSupported;
        Assert.Equal(supported, engine.IsAvailable);
        Assert.Equal(supported, engine.UnavailableReason is null);
    }

    [Fact]
    public void The_unavailability_reason_names_libmsquic_and_how_to_install_it()
    {
        var reason = MsQuicPlatform.DescribeUnavailability(knownPlatform: true);
        Assert.Contains("IsSupported == false", reason, StringComparison.Ordinal);
        Assert.Contains("libmsquic", reason, StringComparison.Ordinal);
        Assert.Contains("packages.microsoft.com", reason, StringComparison.Ordinal);
        Assert.Contains("operating system", MsQuicPlatform.DescribeUnavailability(knownPlatform: false), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Listening_without_libmsquic_fails_with_EngineUnavailable()
    {
        var engine = new MsQuicEngine();
        Skip.If(engine.IsAvailable, LibMsQuicInstalled);
        var ex = await Assert.ThrowsAsync<QuicTransportException>(() => engine.ListenAsync(Listener()).AsTask());
        Assert.Equal(QuicTransportError.EngineUnavailable, ex.Error);
        Assert.Contains("libmsquic", ex.Message, StringComparison.Ordinal);
        Assert.Contains("listen", ex.Message, StringComparison.Ordinal);
        Assert.Equal(engine.UnavailableReason, MsQuicPlatform.UnavailableReason);
    }

    [SkippableFact]
    public async Task Connecting_without_libmsquic_fails_with_EngineUnavailable()
    {
        var engine = new MsQuicEngine();
        Skip.If(engine.IsAvailable, LibMsQuicInstalled);
        var ex = await Assert.ThrowsAsync<QuicTransportException>(() => engine.ConnectAsync(Client()).AsTask());
        Assert.Equal(QuicTransportError.EngineUnavailable, ex.Error);
        Assert.Contains("libmsquic", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_options_are_reported_as_argument_errors_on_any_machine()
    {
        var engine = new MsQuicEngine();
        await Assert.ThrowsAsync<ArgumentNullException>(() => engine.ListenAsync(null!).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => engine.ConnectAsync(null!).AsTask());
        var noAlpn = await Assert.ThrowsAsync<ArgumentException>(() => engine.ConnectAsync(Client() with { ApplicationProtocols = [] }).AsTask());
        Assert.Contains("ApplicationProtocols", noAlpn.Message, StringComparison.Ordinal);
        var badWindow = await Assert.ThrowsAsync<ArgumentException>(() => engine.ListenAsync(Listener() with { Transport = new QuicTransportParameters { StreamReceiveWindow = 0 } }).AsTask());
        Assert.Contains("StreamReceiveWindow", badWindow.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1L, 0L)]
    [InlineData(0L, 1L << 62)]
    public void Engine_options_with_codes_outside_62_bits_are_refused(long streamCode, long closeCode)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MsQuicEngine(new MsQuicEngineOptions { DefaultStreamErrorCode = streamCode, DefaultCloseErrorCode = closeCode }));
        Assert.Contains(streamCode < 0 ? "DefaultStreamErrorCode" : "DefaultCloseErrorCode", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2 * 1024 * 1024)]
    public void A_receive_chunk_size_out_of_range_is_refused(int size)
    {
        var ex = Assert.Throws<ArgumentException>(() => new MsQuicEngine(new MsQuicEngineOptions { ReceiveChunkSize = size }));
        Assert.Contains("ReceiveChunkSize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_keep_alive_is_refused_but_infinite_is_the_default()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, new MsQuicEngineOptions().KeepAliveInterval);
        Assert.Throws<ArgumentException>(() => new MsQuicEngine(new MsQuicEngineOptions { KeepAliveInterval = TimeSpan.Zero }));
    }

    [Fact]
    public async Task Disposing_an_engine_twice_is_harmless()
    {
        var engine = new MsQuicEngine();
        await engine.DisposeAsync();
        await engine.DisposeAsync();
    }
}
