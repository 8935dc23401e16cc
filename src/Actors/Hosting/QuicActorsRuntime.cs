using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QuicActors.Configuration;
using QuicActors.Hosting.Internal;
using QuicActors.Kernel;
using Serilog;

namespace QuicActors.Hosting;

/// <summary>
/// The runtime a host runs: the resolved configuration (HOCON over <c>reference.conf</c>, an <see cref="IConfiguration"/>
/// section over both), its validated settings (<see cref="HostingConfig"/> and the shared connection, stream and listener
/// sections hosted listeners run with), and the actor system. Registered as a singleton and as a
/// hosted service; the host stops it last, after every listener registered later, and that terminates the actor system.
/// </summary>
public sealed class QuicActorsRuntime : IHostedService, IDisposable
{
    private static readonly TimeSpan TerminateTimeout = TimeSpan.FromSeconds(10);
    private readonly Serilog.Core.Logger? _ownedLogger;

    /// <summary>Builds the configuration and starts the actor system.</summary>
    /// <exception cref="ConfigException">A setting is invalid; the message names its path and where it came from (file and line, or the IConfiguration section).</exception>
    public QuicActorsRuntime(QuicActorsOptions options, IConfiguration? configuration, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        Config = Load(options, configuration);
        KnownSettings.Validate(Config);
        Settings = HostingConfig.From(Config);
        Connection = ConnectionConfig.From(Config);
        Streams = StreamsConfig.From(Config);
        Listener = ListenerConfig.From(Config);
        Serilog.ILogger logger;
        if (options.Logger is { } given)
        {
            logger = given;
        }
        else if (loggerFactory is not null)
        {
            _ownedLogger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new MicrosoftLoggingSink(loggerFactory)).CreateLogger();
            logger = _ownedLogger;
        }
        else
        {
            logger = Serilog.Core.Logger.None;
        }

        System = Config.CreateActorSystem(Settings.SystemName, (options.BaseActorSystemSettings ?? ActorSystemSettings.Default) with { Logger = logger });
    }

    /// <summary>The resolved configuration, overrides included.</summary>
    public Config Config { get; }

    /// <summary>The validated <c>quic-actors.hosting</c> settings.</summary>
    public HostingConfig Settings { get; }

    /// <summary>The validated <c>quic-actors.connection</c> settings: each hosted connection's stream limits, leak detector and handler failure code.</summary>
    public ConnectionConfig Connection { get; }

    /// <summary>The validated <c>quic-actors.streams</c> settings: the linger policy of hosted streams.</summary>
    public StreamsConfig Streams { get; }

    /// <summary>The validated <c>quic-actors.listener</c> settings: the shutdown grace period of hosted listeners.</summary>
    public ListenerConfig Listener { get; }

    /// <summary>The actor system every hosted listener runs its connection actors in.</summary>
    public ActorSystem System { get; }

    /// <summary>The HOCON of <paramref name="options"/> (or application.conf), with the configured IConfiguration section laid over it, over reference.conf, resolved.</summary>
    public static Config Load(QuicActorsOptions options, IConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        var application = options.Hocon ?? ConfigFactory.ParseString(
            "include \"application\"",
            ConfigParseOptions.Default with { IncludeBaseDirectory = AppContext.BaseDirectory },
            "application");
        if (configuration is not null && !string.IsNullOrEmpty(options.ConfigurationSection))
        {
            application = ConfigurationOverrides.Apply(application, configuration.GetSection(options.ConfigurationSection));
        }

        return ConfigFactory.Load(application);
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Terminates the actor system (listeners registered after the runtime have already stopped).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await System.Terminate().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!System.WhenTerminated.IsCompleted)
        {
            System.Terminate().Wait(TerminateTimeout);
        }

        _ownedLogger?.Dispose();
    }
}
