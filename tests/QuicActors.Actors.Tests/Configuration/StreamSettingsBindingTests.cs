using QuicActors.Configuration;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Configuration;

/// <summary>The connection, stream and listener binders: defaults from reference.conf, overrides, and bad values.</summary>
public class StreamSettingsBindingTests
{
    private static Config Load(string application) =>
        ConfigFactory.Load(ConfigFactory.ParseString(application, originDescription: "application.conf"), ConfigResolveOptions.NoEnvironment);

    [Fact]
    public void Reference_conf_gives_the_same_settings_as_the_records_defaults()
    {
        var config = ConfigFactory.Reference(ConfigResolveOptions.NoEnvironment);
        var defaults = new ConnectionActorSettings();
        Assert.Equal(defaults, config.ToConnectionActorSettings());
        var listenerDefaults = new ListenerSettings();
        var listener = config.ToListenerSettings();
        Assert.Equal(listenerDefaults with { Connection = listener.Connection }, listener);
        Assert.Equal(defaults, listener.Connection);
        Assert.Equal(LingerPolicy.Default, StreamsConfig.From(config).Linger);
    }

    [Fact]
    public void Application_values_reach_the_connection_listener_and_linger_settings()
    {
        var config = Load("""
            quic-actors.connection {
              max-inbound-bidirectional-streams = 7
              max-inbound-unidirectional-streams = 3
              open-timeout = 250ms
              handler-failure-code = 4611686018427387903
              handler-read-ahead = 16KiB
              leak-detector.enabled = off
              zero-rtt { replay = replay, replay-max-bytes = 1KiB, initial-outbound-bidirectional-credit = 9 }
            }
            quic-actors.streams.linger { mode = raw, drain-max-bytes = 0, drain-max-time = 0s, fin-ack-timeout = 2s, stop-sending-code = 11, reset-code = 12 }
            quic-actors.listener { max-connections = 2, refused-connection-code = 13, shutdown-grace-period = 0s, shutdown-poll-interval = 10ms }
            """);
        Func<StreamHandle, CancellationToken, Task> handler = (_, _) => Task.CompletedTask;
        var listener = config.ToListenerSettings(new ConnectionActorSettings { StreamHandler = handler, ConnectionId = 5 });
        var connection = listener.Connection;
        Assert.Equal(7, connection.InboundBidirectionalLimit);
        Assert.Equal(3, connection.InboundUnidirectionalLimit);
        Assert.Equal(TimeSpan.FromMilliseconds(250), connection.OpenTimeout);
        Assert.Equal((1L << 62) - 1, connection.HandlerFailureErrorCode);
        Assert.Equal(16 * 1024, connection.HandlerReadAheadBytes);
        Assert.Null(connection.LeakDeadline);
        Assert.Equal(EarlyDataReplayPolicy.Replay, connection.EarlyDataReplay);
        Assert.Equal(1024, connection.EarlyDataReplayMaxBytes);
        Assert.Equal(9, connection.InitialOutboundBidirectionalCredit);
        Assert.Same(handler, connection.StreamHandler);
        Assert.Equal(5, connection.ConnectionId);
        Assert.Equal(new LingerPolicy { Mode = LingerMode.Raw, ReceiveDrainMaxBytes = 0, ReceiveDrainMaxTime = TimeSpan.Zero, FinAckTimeout = TimeSpan.FromSeconds(2), StopSendingErrorCode = 11, ResetErrorCode = 12 }, connection.Linger);
        Assert.Equal(2, listener.MaxConnections);
        Assert.Equal(13, listener.RefusedConnectionErrorCode);
        Assert.Equal(TimeSpan.Zero, listener.ShutdownGracePeriod);
        Assert.Equal(TimeSpan.FromMilliseconds(10), listener.ShutdownPollInterval);
        var transport = ConnectionConfig.From(config).ToTransportParameters(new QuicTransportParameters { StreamReceiveWindow = 1234 });
        Assert.Equal((7, 3, 1234L), (transport.MaxInboundBidirectionalStreams, transport.MaxInboundUnidirectionalStreams, transport.StreamReceiveWindow));
    }

    [Theory]
    [InlineData("quic-actors.connection.max-inbound-bidirectional-streams = -1", "quic-actors.connection.max-inbound-bidirectional-streams (application.conf:1): expected an integer >= 0, got -1")]
    [InlineData("quic-actors.connection.open-timeout = 0s", "quic-actors.connection.open-timeout (application.conf:1): expected a duration greater than zero, got \"0s\"")]
    [InlineData("quic-actors.connection.handler-failure-code = 4611686018427387904", "quic-actors.connection.handler-failure-code (application.conf:1): expected an application error code in 0..2^62-1 (RFC 9000 §20.2), got 4611686018427387904")]
    [InlineData("quic-actors.connection.handler-failure-code = -5", "quic-actors.connection.handler-failure-code (application.conf:1): expected an application error code in 0..2^62-1 (RFC 9000 §20.2), got -5")]
    [InlineData("quic-actors.connection.handler-read-ahead = 0", "quic-actors.connection.handler-read-ahead (application.conf:1): expected a size >= 1 byte, got 0")]
    [InlineData("quic-actors.connection.leak-detector.deadline = -1s", "quic-actors.connection.leak-detector.deadline (application.conf:1): expected a duration greater than zero, got \"-1s\"")]
    [InlineData("quic-actors.connection.zero-rtt.initial-outbound-bidirectional-credit = -2", "quic-actors.connection.zero-rtt.initial-outbound-bidirectional-credit (application.conf:1): expected an integer >= 0, got -2")]
    [InlineData("quic-actors.streams.linger.drain-max-time = -1ms", "quic-actors.streams.linger.drain-max-time (application.conf:1): expected a duration >= 0, got \"-1ms\"")]
    [InlineData("quic-actors.streams.linger.reset-code = -1", "quic-actors.streams.linger.reset-code (application.conf:1): expected an application error code in 0..2^62-1 (RFC 9000 §20.2), got -1")]
    [InlineData("quic-actors.listener.max-connections = 0", "quic-actors.listener.max-connections (application.conf:1): expected an integer >= 1, got 0")]
    [InlineData("quic-actors.listener.shutdown-poll-interval = 0ms", "quic-actors.listener.shutdown-poll-interval (application.conf:1): expected a duration greater than zero, got \"0ms\"")]
    public void A_bad_value_fails_with_its_path_origin_and_the_rule(string application, string message)
    {
        var config = Load(application);
        var e = Assert.Throws<ConfigException>(() => config.ToListenerSettings());
        Assert.Equal(message, e.Message);
        Assert.Throws<ConfigException>(() => KnownSettings.Validate(config));
    }

    [Theory]
    [InlineData("quic-actors.connection.zero-rtt.replay = sometimes", "quic-actors.connection.zero-rtt.replay")]
    [InlineData("quic-actors.streams.linger.mode = lazy", "quic-actors.streams.linger.mode")]
    [InlineData("quic-actors.connection.open-timeout = soon", "quic-actors.connection.open-timeout")]
    [InlineData("quic-actors.streams.linger.drain-max-bytes = lots", "quic-actors.streams.linger.drain-max-bytes")]
    [InlineData("quic-actors.connection.leak-detector.enabled = maybe", "quic-actors.connection.leak-detector.enabled")]
    public void A_value_of_the_wrong_kind_fails_naming_its_path_and_origin(string application, string path)
    {
        var e = Assert.Throws<ConfigException>(() => Load(application).ToConnectionActorSettings());
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("application.conf:1", e.Message, StringComparison.Ordinal);
    }
}
