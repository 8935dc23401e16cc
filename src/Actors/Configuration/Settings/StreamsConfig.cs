using QuicActors.Streams;

namespace QuicActors.Configuration;

/// <summary>
/// Per-stream settings from <c>quic-actors.streams</c>, validated: the linger policy that finishes streams the application
/// let go of (drain then STOP_SENDING, RFC 9000 §3.5; FIN then RESET_STREAM, §3.1).
/// </summary>
/// <param name="Linger">The policy.</param>
public sealed record StreamsConfig(LingerPolicy Linger) : IConfigSettings<StreamsConfig>
{
    /// <inheritdoc />
    public static string SectionPath => "quic-actors.streams";

    /// <inheritdoc />
    public static StreamsConfig Bind(SettingsReader section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new(new LingerPolicy
        {
            Mode = section.Enum<LingerMode>("linger.mode"),
            ReceiveDrainMaxBytes = ConnectionConfig.NonNegativeBytes(section, "linger.drain-max-bytes"),
            ReceiveDrainMaxTime = ConnectionConfig.NonNegativeDuration(section, "linger.drain-max-time"),
            FinAckTimeout = ConnectionConfig.NonNegativeDuration(section, "linger.fin-ack-timeout"),
            StopSendingErrorCode = ConnectionConfig.ErrorCode(section, "linger.stop-sending-code"),
            ResetErrorCode = ConnectionConfig.ErrorCode(section, "linger.reset-code"),
        });
    }

    /// <summary>Binds from a resolved configuration.</summary>
    /// <exception cref="ConfigException">A setting is missing or invalid; the message names its path and origin.</exception>
    public static StreamsConfig From(Config config) => SettingsReader.Bind<StreamsConfig>(config);
}
