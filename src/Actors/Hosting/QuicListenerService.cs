using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using QuicActors.Hosting.Internal;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Hosting;

/// <summary>
/// A listener run by the host: on start it binds as <c>quic-actors.hosting.listener</c> says, advertises the stream limits
/// of <c>quic-actors.connection</c> (RFC 9000 §4.6) and serves every connection with a connection actor configured by
/// <c>quic-actors.connection</c> and <c>quic-actors.streams</c> running the handler; on stop it stops accepting (clients
/// arriving later are closed with the shutdown code), lets live streams end by their handlers and the linger policy for at
/// most <c>quic-actors.listener.shutdown-grace-period</c>, then closes the connections (RFC 9000 §10.2) and disposes the engine.
/// </summary>
public sealed class QuicListenerService : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly QuicActorsRuntime _runtime;
    private readonly QuicListenerHostOptions _options;
    private HostedListener? _listener;
    private IQuicEngine? _engine;
    private X509Certificate2? _generatedCertificate;

    /// <summary>Creates the service; nothing is bound before <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options have no handler.</exception>
    public QuicListenerService(QuicActorsRuntime runtime, QuicListenerHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Handler is null)
        {
            throw new ArgumentException($"Listener '{options.Name}': {nameof(QuicListenerHostOptions)}.{nameof(QuicListenerHostOptions.Handler)} must be set.", nameof(options));
        }

        _runtime = runtime;
        _options = options;
    }

    /// <summary>The listener's name.</summary>
    public string Name => _options.Name;

    /// <summary>The bound address, with the actual port; null before start.</summary>
    public EndPoint? LocalEndPoint => _listener?.LocalEndPoint;

    /// <summary>The certificate the listener presents (given, or generated at start); null on an engine without a real network.</summary>
    public X509Certificate2? ServerCertificate { get; private set; }

    /// <summary>How the last stop went; null until the host stopped the listener.</summary>
    public QuicListenerShutdown? LastShutdown { get; private set; }

    /// <summary>Binds and starts accepting.</summary>
    /// <exception cref="QuicTransportException">The address is in use, or the engine is unavailable here.</exception>
    /// <exception cref="ArgumentException">The listener options built from configuration are invalid.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = _runtime.Settings;
        _engine = _options.Engine ?? QuicEngines.Create(settings.Engine);
        if (_options.ServerCertificate is null && (_engine.Capabilities & EngineCapabilities.RealNetwork) != 0)
        {
            _generatedCertificate = SelfSignedCertificate.Create();
        }

        ServerCertificate = _options.ServerCertificate ?? _generatedCertificate;
        var listenerOptions = new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(settings.ListenAddress, settings.ListenPort),
            ApplicationProtocols = settings.ApplicationProtocols,
            ServerCertificate = ServerCertificate,
            Transport = _runtime.Connection.ToTransportParameters(),
        };
        listenerOptions = _options.ConfigureTransport?.Invoke(listenerOptions) ?? listenerOptions;
        try
        {
            _listener = await HostedListener.StartAsync(
                _runtime.System,
                _engine,
                listenerOptions,
                _runtime.Connection.ToSettings(_runtime.Streams, new ConnectionActorSettings { StreamHandler = _options.Handler }),
                _options.Name,
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing was bound: give back the engine (and a generated certificate) before the host reports the failure.
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _runtime.System.Log.Information("Listener {Listener} listening on {EndPoint} ({Engine}, ALPN {Alpn})", Name, _listener.LocalEndPoint, _engine.Name, settings.ApplicationProtocols);
    }

    /// <summary>A snapshot of the listener's connections and streams.</summary>
    /// <exception cref="InvalidOperationException">The listener has not started.</exception>
    public Task<QuicListenerStatus> GetStatusAsync() =>
        (_listener ?? throw new InvalidOperationException($"Listener '{Name}' has not started.")).GetStatusAsync();

    /// <summary>Stops accepting, lets streams linger for the configured shutdown grace period (or until the host's token fires), then closes connections.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is null)
        {
            return;
        }

        LastShutdown = await _listener.ShutdownAsync(_runtime.Listener.ShutdownGracePeriod, _runtime.Settings.ShutdownErrorCode, cancellationToken).ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_listener is { } listener)
        {
            _listener = null;
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        if (_engine is { } engine)
        {
            _engine = null;
            await engine.DisposeAsync().ConfigureAwait(false);
        }

        if (_generatedCertificate is { } generated)
        {
            _generatedCertificate = null;
            generated.Dispose();
        }
    }

    /// <summary>Blocking form of <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
