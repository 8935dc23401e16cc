using System.Net;
using System.Net.Quic;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Runtime.Versioning;
using System.Security.Authentication;

namespace QuicActors.Transport.MsQuic.Internal;

/// <summary>
/// A <see cref="QuicListener"/> seen through the contract. Each incoming connection gets its options from the contract's
/// listener options, with a stream capacity relay of its own so the peer's stream limits are tracked from the start.
/// </summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("windows")]
[SupportedOSPlatform("osx")]
internal sealed class MsQuicEngineListener : IQuicEngineListener
{
    private readonly QuicListenerOptions _options;
    private readonly MsQuicEngineOptions _engineOptions;
    private readonly ConditionalWeakTable<QuicConnection, StreamCapacityRelay> _relays = [];
    private readonly Action<object?> _onDisposed;
    private readonly Action<object>? _onConnectionCreated;
    private QuicListener? _listener;
    private int _disposed;

    private MsQuicEngineListener(QuicListenerOptions options, MsQuicEngineOptions engineOptions, Action<object>? onConnectionCreated, Action<object?> onDisposed)
    {
        _options = options;
        _engineOptions = engineOptions;
        _onConnectionCreated = onConnectionCreated;
        _onDisposed = onDisposed;
    }

    /// <inheritdoc />
    public EndPoint LocalEndPoint => _listener!.LocalEndPoint;

    /// <summary>Binds and starts listening.</summary>
    /// <param name="options">The contract's listener options, validated.</param>
    /// <param name="engineOptions">The engine's settings.</param>
    /// <param name="onCreated">Told about every object this listener creates (connections), so the engine can dispose them.</param>
    /// <param name="onDisposed">Told when this listener or one of its connections is disposed.</param>
    /// <param name="cancellationToken">Cancels the bind.</param>
    public static async ValueTask<MsQuicEngineListener> StartAsync(
        QuicListenerOptions options,
        MsQuicEngineOptions engineOptions,
        Action<object>? onCreated,
        Action<object?> onDisposed,
        CancellationToken cancellationToken)
    {
        var listener = new MsQuicEngineListener(options, engineOptions, onCreated, onDisposed);
        var listenerOptions = MsQuicOptionsMapper.CreateListenerOptions(options, listener.SelectConnectionOptions);
        try
        {
            listener._listener = await QuicListener.ListenAsync(listenerOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MsQuicErrorMapper.MapListenFailure(ex, options.ListenEndPoint) is { } mapped)
        {
            throw mapped;
        }
        return listener;
    }

    private ValueTask<QuicServerConnectionOptions> SelectConnectionOptions(QuicConnection connection, SslClientHelloInfo hello, CancellationToken cancellationToken)
    {
        var relay = new StreamCapacityRelay();
        _relays.AddOrUpdate(connection, relay);
        return ValueTask.FromResult(MsQuicOptionsMapper.CreateServerConnectionOptions(_options, _engineOptions, relay.OnCapacity));
    }

    /// <inheritdoc />
    public async ValueTask<IQuicEngineConnection> AcceptConnectionAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (true)
        {
            QuicConnection connection;
            try
            {
                connection = await _listener!.AcceptConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is QuicException or AuthenticationException && !cancellationToken.IsCancellationRequested)
            {
                // A handshake that failed (wrong ALPN, TLS alert, timeout) is surfaced here by System.Net.Quic; the contract
                // hands out only handshaken connections, so the listener keeps accepting.
                continue;
            }
            catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) != 0)
            {
                throw new ObjectDisposedException(nameof(MsQuicEngineListener), "The listener was disposed while accepting.");
            }

            if (!_relays.TryGetValue(connection, out var relay))
            {
                // Every inbound connection passes through SelectConnectionOptions first; without a relay it cannot track credit.
                await connection.DisposeAsync().ConfigureAwait(false);
                continue;
            }
            _relays.Remove(connection);
            var engineConnection = new MsQuicEngineConnection(connection, QuicConnectionRole.Server, _options.Transport, _engineOptions, _onDisposed);
            _onConnectionCreated?.Invoke(engineConnection);
            engineConnection.Start(relay);
            return engineConnection;
        }
    }

    /// <summary>Stops listening. Connections already handed out stay open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_listener is not null) await _listener.DisposeAsync().ConfigureAwait(false);
        _onDisposed(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"msquic listener {_listener?.LocalEndPoint}";
}
