using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QuicActors.Configuration;
using QuicActors.Streams;
using Serilog.Extensions.Logging;

namespace QuicActors.Hosting;

/// <summary>Registers the QuicActors runtime and hosted QUIC listeners with a Microsoft.Extensions.Hosting host.</summary>
public static class QuicActorsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="QuicActorsRuntime"/> (configuration and actor system) as a singleton and a hosted service. Call
    /// it before <see cref="AddQuicListener(IServiceCollection, Func{StreamHandle, CancellationToken, Task}, Action{QuicListenerHostOptions}?)"/>:
    /// the host stops services in reverse order, so listeners wind down before the actor system terminates.
    /// </summary>
    public static IServiceCollection AddQuicActors(this IServiceCollection services, Action<QuicActorsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new QuicActorsOptions();
        configure?.Invoke(options);
        if (options.Logger is { } logger && options.RouteMicrosoftLoggingToSerilog)
        {
            services.AddLogging(builder => builder.AddProvider(new SerilogLoggerProvider(logger, dispose: false)));
        }

        services.TryAddSingleton(provider => new QuicActorsRuntime(options, provider.GetService<IConfiguration>(), provider.GetService<ILoggerFactory>()));
        services.AddHostedService(provider => provider.GetRequiredService<QuicActorsRuntime>());
        return services;
    }

    /// <summary>Adds the runtime with <paramref name="hocon"/> as the application configuration (an IConfiguration section still overrides it).</summary>
    public static IServiceCollection AddQuicActors(this IServiceCollection services, Config hocon, Action<QuicActorsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(hocon);
        return services.AddQuicActors(options =>
        {
            options.Hocon = hocon;
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Adds a hosted listener that serves each client stream with <paramref name="handler"/>; engine, address and shutdown
    /// code come from <c>quic-actors.hosting</c>, stream limits from <c>quic-actors.connection</c>, linger from
    /// <c>quic-actors.streams</c> and the shutdown grace period from <c>quic-actors.listener</c>. The <see cref="QuicListenerService"/> is also registered as itself, so
    /// the application can ask for its bound address and status.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="AddQuicActors(IServiceCollection, Action{QuicActorsOptions}?)"/> was not called first.</exception>
    public static IServiceCollection AddQuicListener(this IServiceCollection services, Func<StreamHandle, CancellationToken, Task> handler, Action<QuicListenerHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return services.AddQuicListener(_ => handler, configure);
    }

    /// <summary>Adds a hosted listener whose handler is built from the service provider (to use other services in it).</summary>
    /// <exception cref="InvalidOperationException"><see cref="AddQuicActors(IServiceCollection, Action{QuicActorsOptions}?)"/> was not called first.</exception>
    public static IServiceCollection AddQuicListener(this IServiceCollection services, Func<IServiceProvider, Func<StreamHandle, CancellationToken, Task>> handlerFactory, Action<QuicListenerHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(handlerFactory);
        if (!services.Any(d => d.ServiceType == typeof(QuicActorsRuntime)))
        {
            throw new InvalidOperationException("AddQuicListener needs the runtime: call services.AddQuicActors(...) first, so the host stops listeners before the actor system.");
        }

        // A key of its own per registration, so several listeners coexist and the hosted service is the very instance
        // the application resolves (as QuicListenerService, or among IEnumerable<QuicListenerService>).
        var key = new object();
        services.AddKeyedSingleton(key, (provider, _) =>
        {
            var options = new QuicListenerHostOptions();
            configure?.Invoke(options);
            options.Handler ??= handlerFactory(provider);
            return new QuicListenerService(provider.GetRequiredService<QuicActorsRuntime>(), options);
        });
        services.AddSingleton(provider => provider.GetRequiredKeyedService<QuicListenerService>(key));
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredKeyedService<QuicListenerService>(key));
        return services;
    }
}
