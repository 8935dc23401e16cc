using QuicActors.Kernel;

namespace QuicActors.Configuration;

/// <summary>Carries the HOCON-bound kernel settings into the kernel's own settings record.</summary>
public static class KernelConfigExtensions
{
    /// <summary>
    /// Applies <c>quic-actors.actor</c> to <paramref name="baseSettings"/> (default: <see cref="ActorSystemSettings.Default"/>),
    /// keeping what configuration cannot express (time provider, logger, guardian strategy) from the base.
    /// </summary>
    public static ActorSystemSettings ToActorSystemSettings(this KernelConfig config, ActorSystemSettings? baseSettings = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return (baseSettings ?? ActorSystemSettings.Default) with
        {
            Throughput = config.Throughput,
            Dispatcher = config.Dispatcher,
            DefaultAskTimeout = config.AskTimeout,
            LogDeadLetters = config.LogDeadLetters,
            LogDeadLettersDuringShutdown = config.LogDeadLettersDuringShutdown,
        };
    }

    /// <summary>Creates an actor system whose settings come from a resolved configuration.</summary>
    /// <exception cref="ConfigException">A kernel setting is missing or invalid; the message names its path and origin.</exception>
    public static ActorSystem CreateActorSystem(this Config config, string name, ActorSystemSettings? baseSettings = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ActorSystem.Create(name, KernelConfig.From(config).ToActorSystemSettings(baseSettings));
    }
}
