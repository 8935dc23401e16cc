using QuicActors.Kernel;

namespace QuicActors.Configuration;

/// <summary>
/// The actor kernel's settings from <c>quic-actors.actor</c>, validated. The kernel's own settings type is
/// built from this at system start.
/// </summary>
/// <param name="Throughput">Messages a mailbox processes per batch before yielding its thread (>= 1).</param>
/// <param name="AskTimeout">Default Ask timeout (> 0).</param>
/// <param name="LogDeadLetters">Whether dead letters are logged.</param>
/// <param name="LogDeadLettersDuringShutdown">Whether dead letters are still logged during shutdown.</param>
/// <param name="GracefulStopTimeout">How long a graceful stop waits (> 0).</param>
public sealed record KernelConfig(
    int Throughput,
    TimeSpan AskTimeout,
    bool LogDeadLetters,
    bool LogDeadLettersDuringShutdown,
    TimeSpan GracefulStopTimeout) : IConfigSettings<KernelConfig>
{
    /// <summary>Which threads run actors' turns (<c>dispatcher</c>: <c>workers</c> or <c>thread-pool</c>).</summary>
    public DispatcherKind Dispatcher { get; init; } = DispatcherKind.Workers;

    /// <inheritdoc />
    public static string SectionPath => "quic-actors.actor";

    /// <inheritdoc />
    public static KernelConfig Bind(SettingsReader section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new(
            section.IntAtLeast("throughput", 1),
            section.PositiveDuration("ask-timeout"),
            section.Boolean("log-dead-letters"),
            section.Boolean("log-dead-letters-during-shutdown"),
            section.PositiveDuration("graceful-stop-timeout"))
        {
            Dispatcher = section.Enum<DispatcherKind>("dispatcher"),
        };
    }

    /// <summary>Binds from a resolved configuration (usually <see cref="ConfigFactory.Load(string?, ConfigResolveOptions?, ConfigParseOptions?)"/>).</summary>
    public static KernelConfig From(Config config) => SettingsReader.Bind<KernelConfig>(config);
}
