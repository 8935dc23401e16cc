using QuicActors.Streams;

namespace QuicActors.Configuration;

/// <summary>Builds the stream runtime's settings records from a resolved configuration.</summary>
public static class StreamSettingsExtensions
{
    /// <summary>
    /// <see cref="ConnectionActorSettings"/> from <c>quic-actors.connection</c> and <c>quic-actors.streams</c>; the handler
    /// and the connection ID come from <paramref name="baseSettings"/>.
    /// </summary>
    /// <exception cref="ConfigException">A setting is missing or invalid; the message names its path and origin.</exception>
    public static ConnectionActorSettings ToConnectionActorSettings(this Config config, ConnectionActorSettings? baseSettings = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ConnectionConfig.From(config).ToSettings(StreamsConfig.From(config), baseSettings);
    }

    /// <summary>
    /// <see cref="ListenerSettings"/> from <c>quic-actors.listener</c>, each connection run with
    /// <see cref="ToConnectionActorSettings"/> over <paramref name="baseConnectionSettings"/> (which carries the stream handler).
    /// </summary>
    /// <exception cref="ConfigException">A setting is missing or invalid; the message names its path and origin.</exception>
    public static ListenerSettings ToListenerSettings(this Config config, ConnectionActorSettings? baseConnectionSettings = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ListenerConfig.From(config).ToSettings(config.ToConnectionActorSettings(baseConnectionSettings));
    }
}
