using System.Globalization;
using System.Net;
using QuicActors.Configuration;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Hosting;

/// <summary>
/// The settings of <c>quic-actors.hosting</c>, validated: which engine hosted listeners use, where they bind, the stream
/// limits they advertise (RFC 9000 §4.6), how a host stop winds them down, and how their streams linger.
/// </summary>
/// <param name="SystemName">Name of the actor system the host creates.</param>
/// <param name="Engine">Engine of hosted listeners: <c>in-memory</c>, <c>ngtcp2</c> or <c>msquic</c>.</param>
/// <param name="ListenAddress">Address a hosted listener binds.</param>
/// <param name="ListenPort">UDP port a hosted listener binds; 0 picks a free one.</param>
/// <param name="ApplicationProtocols">ALPN protocols accepted, most preferred first.</param>
/// <param name="MaxInboundBidirectionalStreams">initial_max_streams_bidi each client gets; also the connection actor's ledger limit.</param>
/// <param name="MaxInboundUnidirectionalStreams">initial_max_streams_uni each client gets.</param>
/// <param name="ShutdownTimeout">How long live streams may linger on host stop before connections close.</param>
/// <param name="ShutdownErrorCode">Application error code of the CONNECTION_CLOSE sent on host stop (RFC 9000 §10.2).</param>
/// <param name="Linger">What happens to halves a handler let go of.</param>
/// <param name="LeakDeadline">A stream alive this long is reported as a leak; null: no leak detector.</param>
/// <param name="HandlerFailureErrorCode">Code both directions of a stream are aborted with when its handler throws.</param>
public sealed record HostingConfig(
    string SystemName,
    string Engine,
    IPAddress ListenAddress,
    int ListenPort,
    IReadOnlyList<string> ApplicationProtocols,
    int MaxInboundBidirectionalStreams,
    int MaxInboundUnidirectionalStreams,
    TimeSpan ShutdownTimeout,
    long ShutdownErrorCode,
    LingerPolicy Linger,
    TimeSpan? LeakDeadline,
    long HandlerFailureErrorCode) : IConfigSettings<HostingConfig>
{
    /// <summary>The engine names <see cref="Engine"/> accepts.</summary>
    public static IReadOnlyList<string> EngineNames { get; } = ["in-memory", "ngtcp2", "msquic"];

    /// <inheritdoc />
    public static string SectionPath => "quic-actors.hosting";

    /// <inheritdoc />
    public static HostingConfig Bind(SettingsReader section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var systemName = section.String("system-name");
        section.Require(systemName.Length > 0, "system-name", "a non-empty actor system name");
        var engine = section.String("engine");
        section.Require(EngineNames.Contains(engine), "engine", "one of " + string.Join(", ", EngineNames));
        var addressText = section.String("listener.address");
        IPAddress? address = string.Equals(addressText, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(addressText, out var parsed) ? parsed : null;
        section.Require(address is not null, "listener.address", "an IP address or localhost");
        var port = section.Int("listener.port");
        section.Require(port is >= 0 and <= 65535, "listener.port", "a UDP port in 0..65535");
        var alpn = section.StringList("listener.alpn");
        section.Require(alpn.Count > 0 && alpn.All(p => p.Length is > 0 and <= 255), "listener.alpn", "a non-empty list of ALPN protocols (1..255 characters each)");
        var bidi = section.IntAtLeast("listener.max-inbound-bidirectional-streams", 0);
        var uni = section.IntAtLeast("listener.max-inbound-unidirectional-streams", 0);
        var shutdownTimeout = section.Duration("listener.shutdown-timeout");
        section.Require(shutdownTimeout >= TimeSpan.Zero, "listener.shutdown-timeout", "a duration of zero or more");
        var shutdownCode = ErrorCode(section, "listener.shutdown-error-code");

        var mode = section.Enum<LingerMode>("streams.linger-mode");
        var drainBytes = section.Bytes("streams.drain-max-bytes");
        section.Require(drainBytes >= 0, "streams.drain-max-bytes", "a size of zero or more");
        var drainTime = NonNegative(section, "streams.drain-max-time");
        var finAck = NonNegative(section, "streams.fin-ack-timeout");
        var linger = new LingerPolicy
        {
            Mode = mode,
            ReceiveDrainMaxBytes = drainBytes,
            ReceiveDrainMaxTime = drainTime,
            FinAckTimeout = finAck,
            StopSendingErrorCode = ErrorCode(section, "streams.stop-sending-error-code"),
            ResetErrorCode = ErrorCode(section, "streams.reset-error-code"),
        };
        var leak = NonNegative(section, "streams.leak-deadline");
        var handlerFailure = ErrorCode(section, "streams.handler-failure-error-code");
        return new HostingConfig(systemName, engine, address!, port, alpn, bidi, uni, shutdownTimeout, shutdownCode, linger, leak == TimeSpan.Zero ? null : leak, handlerFailure);
    }

    /// <summary>Binds from a resolved configuration.</summary>
    /// <exception cref="ConfigException">A setting is missing or invalid; the message names its path and origin.</exception>
    public static HostingConfig From(Config config) => SettingsReader.Bind<HostingConfig>(config);

    /// <summary>The transport parameters a hosted listener advertises.</summary>
    public QuicTransportParameters ToTransportParameters() => new()
    {
        MaxInboundBidirectionalStreams = MaxInboundBidirectionalStreams,
        MaxInboundUnidirectionalStreams = MaxInboundUnidirectionalStreams,
    };

    /// <summary>
    /// The settings of each server connection actor. The ledger limits equal the advertised transport parameters, so the
    /// actor and the engine count the same slots.
    /// </summary>
    public ConnectionActorSettings ToConnectionActorSettings(Func<StreamHandle, CancellationToken, Task>? handler) => new()
    {
        InboundBidirectionalLimit = MaxInboundBidirectionalStreams,
        InboundUnidirectionalLimit = MaxInboundUnidirectionalStreams,
        Linger = Linger,
        LeakDeadline = LeakDeadline,
        HandlerFailureErrorCode = HandlerFailureErrorCode,
        StreamHandler = handler,
    };

    /// <summary>The bind address as text, for messages.</summary>
    public string ListenEndPointText => new IPEndPoint(ListenAddress, ListenPort).ToString();

    private static TimeSpan NonNegative(SettingsReader section, string key)
    {
        var value = section.Duration(key);
        section.Require(value >= TimeSpan.Zero, key, "a duration of zero or more");
        return value;
    }

    private static long ErrorCode(SettingsReader section, string key)
    {
        var value = section.Long(key);
        section.Require(value is >= 0 and <= QuicStreamId.MaxValue, key, "an application error code in 0.." + QuicStreamId.MaxValue.ToString(CultureInfo.InvariantCulture) + " (RFC 9000 §20.2)");
        return value;
    }
}
