using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Configuration;

/// <summary>
/// A connection's settings from <c>quic-actors.connection</c>, validated: stream limits (RFC 9000 §4.6), the open timeout,
/// the leak detector, the handler failure code, an actor-style handler's read-ahead and the 0-RTT replay policy (RFC 9001 §4.6.2).
/// </summary>
/// <param name="MaxInboundBidirectionalStreams">Our MAX_STREAMS for the peer's bidirectional streams, for the engine and the ledger alike (0..2^31-1).</param>
/// <param name="MaxInboundUnidirectionalStreams">Our MAX_STREAMS for the peer's unidirectional streams (0..2^31-1).</param>
/// <param name="OpenTimeout">How long a local open waits for the peer's credit by default (> 0).</param>
/// <param name="LeakDeadline">After how long a live stream is reported as a leak; null when the detector is off.</param>
/// <param name="HandlerFailureErrorCode">The code a stream is aborted with when its handler fails (0..2^62-1).</param>
/// <param name="HandlerReadAheadBytes">At most this many received bytes wait unhandled in an actor-style handler's mailbox (>= 1).</param>
/// <param name="EarlyDataReplay">What happens to early streams when 0-RTT is rejected.</param>
/// <param name="EarlyDataReplayMaxBytes">At most this many early bytes are kept for replay (>= 0).</param>
/// <param name="InitialOutboundBidirectionalCredit">The peer's bidirectional MAX_STREAMS remembered for 0-RTT (>= 0).</param>
/// <param name="InitialOutboundUnidirectionalCredit">The peer's unidirectional MAX_STREAMS remembered for 0-RTT (>= 0).</param>
public sealed record ConnectionConfig(
    int MaxInboundBidirectionalStreams,
    int MaxInboundUnidirectionalStreams,
    TimeSpan OpenTimeout,
    TimeSpan? LeakDeadline,
    long HandlerFailureErrorCode,
    long HandlerReadAheadBytes,
    EarlyDataReplayPolicy EarlyDataReplay,
    long EarlyDataReplayMaxBytes,
    long InitialOutboundBidirectionalCredit,
    long InitialOutboundUnidirectionalCredit) : IConfigSettings<ConnectionConfig>
{
    /// <summary>The largest application error code (RFC 9000 §20.2).</summary>
    internal const long MaxErrorCode = (1L << 62) - 1;

    /// <inheritdoc />
    public static string SectionPath => "quic-actors.connection";

    /// <inheritdoc />
    public static ConnectionConfig Bind(SettingsReader section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var leakDetector = section.Boolean("leak-detector.enabled");
        var leakDeadline = section.PositiveDuration("leak-detector.deadline");
        return new(
            section.IntAtLeast("max-inbound-bidirectional-streams", 0),
            section.IntAtLeast("max-inbound-unidirectional-streams", 0),
            section.PositiveDuration("open-timeout"),
            leakDetector ? leakDeadline : null,
            ErrorCode(section, "handler-failure-code"),
            section.BytesAtLeast("handler-read-ahead", 1),
            section.Enum<EarlyDataReplayPolicy>("zero-rtt.replay"),
            NonNegativeBytes(section, "zero-rtt.replay-max-bytes"),
            NonNegativeLong(section, "zero-rtt.initial-outbound-bidirectional-credit"),
            NonNegativeLong(section, "zero-rtt.initial-outbound-unidirectional-credit"));
    }

    /// <summary>Binds from a resolved configuration.</summary>
    /// <exception cref="ConfigException">A setting is missing or invalid; the message names its path and origin.</exception>
    public static ConnectionConfig From(Config config) => SettingsReader.Bind<ConnectionConfig>(config);

    /// <summary>
    /// The connection actor's settings: these values, the linger policy of <paramref name="streams"/>, and what
    /// configuration cannot express (the handler, the connection ID) from <paramref name="baseSettings"/>.
    /// </summary>
    public ConnectionActorSettings ToSettings(StreamsConfig streams, ConnectionActorSettings? baseSettings = null)
    {
        ArgumentNullException.ThrowIfNull(streams);
        return (baseSettings ?? new ConnectionActorSettings()) with
        {
            InboundBidirectionalLimit = MaxInboundBidirectionalStreams,
            InboundUnidirectionalLimit = MaxInboundUnidirectionalStreams,
            OpenTimeout = OpenTimeout,
            LeakDeadline = LeakDeadline,
            HandlerFailureErrorCode = HandlerFailureErrorCode,
            HandlerReadAheadBytes = HandlerReadAheadBytes,
            EarlyDataReplay = EarlyDataReplay,
            EarlyDataReplayMaxBytes = EarlyDataReplayMaxBytes,
            InitialOutboundBidirectionalCredit = InitialOutboundBidirectionalCredit,
            InitialOutboundUnidirectionalCredit = InitialOutboundUnidirectionalCredit,
            Linger = streams.Linger,
        };
    }

    /// <summary>The engine's transport parameters with these stream limits, so the engine and the ledger count the same slots (invariant 1).</summary>
    public QuicTransportParameters ToTransportParameters(QuicTransportParameters? baseParameters = null) =>
        (baseParameters ?? new QuicTransportParameters()) with
        {
            MaxInboundBidirectionalStreams = MaxInboundBidirectionalStreams,
            MaxInboundUnidirectionalStreams = MaxInboundUnidirectionalStreams,
        };

    internal static long ErrorCode(SettingsReader section, string key)
    {
        var value = section.Long(key);
        section.Require(value is >= 0 and <= MaxErrorCode, key, "an application error code in 0..2^62-1 (RFC 9000 §20.2)");
        return value;
    }

    internal static long NonNegativeLong(SettingsReader section, string key)
    {
        var value = section.Long(key);
        section.Require(value >= 0, key, "an integer >= 0");
        return value;
    }

    internal static long NonNegativeBytes(SettingsReader section, string key) => section.BytesAtLeast(key, 0);

    internal static TimeSpan NonNegativeDuration(SettingsReader section, string key)
    {
        var value = section.Duration(key);
        section.Require(value >= TimeSpan.Zero, key, "a duration >= 0");
        return value;
    }
}
