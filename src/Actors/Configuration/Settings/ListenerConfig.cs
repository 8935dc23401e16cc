using QuicActors.Streams;

namespace QuicActors.Configuration;

/// <summary>A listener's settings from <c>quic-actors.listener</c>, validated.</summary>
/// <param name="MaxConnections">Connections run at once; more are refused (>= 1).</param>
/// <param name="RefusedConnectionErrorCode">The code a refused connection is closed with (0..2^62-1).</param>
/// <param name="ShutdownGracePeriod">How long a graceful stop lets streams finish before closing connections (>= 0).</param>
/// <param name="ShutdownPollInterval">How often a stopping listener checks for connections without live streams (> 0).</param>
public sealed record ListenerConfig(
    int MaxConnections,
    long RefusedConnectionErrorCode,
    TimeSpan ShutdownGracePeriod,
    TimeSpan ShutdownPollInterval) : IConfigSettings<ListenerConfig>
{
    /// <inheritdoc />
    public static string SectionPath => "quic-actors.listener";

    /// <inheritdoc />
    public static ListenerConfig Bind(SettingsReader section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new(
            section.IntAtLeast("max-connections", 1),
            ConnectionConfig.ErrorCode(section, "refused-connection-code"),
            ConnectionConfig.NonNegativeDuration(section, "shutdown-grace-period"),
            section.PositiveDuration("shutdown-poll-interval"));
    }

    /// <summary>Binds from a resolved configuration.</summary>
    /// <exception cref="ConfigException">A setting is missing or invalid; the message names its path and origin.</exception>
    public static ListenerConfig From(Config config) => SettingsReader.Bind<ListenerConfig>(config);

    /// <summary>The listener's settings, running each accepted connection with <paramref name="connection"/>.</summary>
    public ListenerSettings ToSettings(ConnectionActorSettings connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new ListenerSettings
        {
            Connection = connection,
            MaxConnections = MaxConnections,
            RefusedConnectionErrorCode = RefusedConnectionErrorCode,
            ShutdownGracePeriod = ShutdownGracePeriod,
            ShutdownPollInterval = ShutdownPollInterval,
        };
    }
}
