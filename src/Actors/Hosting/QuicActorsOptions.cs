using QuicActors.Configuration;
using QuicActors.Kernel;

namespace QuicActors.Hosting;

/// <summary>How <see cref="QuicActorsServiceCollectionExtensions.AddQuicActors(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{QuicActorsOptions}?)"/> builds the runtime.</summary>
public sealed class QuicActorsOptions
{
    /// <summary>
    /// The application's HOCON (resolved or not), laid over <c>reference.conf</c>. Null: <c>application.conf</c> (or
    /// <c>.json</c>, <c>.properties</c>) next to the program, if there is one.
    /// </summary>
    public Config? Hocon { get; set; }

    /// <summary>
    /// The <see cref="Microsoft.Extensions.Configuration.IConfiguration"/> section whose values override HOCON keys below
    /// <c>quic-actors</c> (see <see cref="ConfigurationOverrides"/>); null or empty: no override.
    /// </summary>
    public string? ConfigurationSection { get; set; } = ConfigurationOverrides.DefaultSectionName;

    /// <summary>
    /// Where the runtime logs through Serilog. Null: the runtime's Serilog events are forwarded to the host's
    /// <see cref="Microsoft.Extensions.Logging.ILoggerFactory"/>, category <c>QuicActors</c>.
    /// </summary>
    public Serilog.ILogger? Logger { get; set; }

    /// <summary>
    /// With <see cref="Logger"/> set: also route the host's Microsoft.Extensions.Logging output into that Serilog logger
    /// (Serilog.Extensions.Logging), so one Serilog pipeline sees everything. Ignored without <see cref="Logger"/>.
    /// </summary>
    public bool RouteMicrosoftLoggingToSerilog { get; set; } = true;

    /// <summary>Kernel settings configuration cannot express (time provider, guardian strategy); HOCON's <c>quic-actors.actor</c> applies over them.</summary>
    public ActorSystemSettings? BaseActorSystemSettings { get; set; }
}
