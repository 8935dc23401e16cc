using System.Collections.Concurrent;
using System.Net.Quic;
using QuicActors.Transport.MsQuic.Internal;

namespace QuicActors.Transport.MsQuic;

/// <summary>
/// The production engine: QUIC from System.Net.Quic over libmsquic, on Windows and on Linux with libmsquic installed.
/// It honours System.Net.Quic's documented behaviour: a peer's stream slot comes back only when our <see cref="QuicStream"/>
/// has finished both directions and is disposed (so <see cref="IQuicEngineConnection.ReleaseStream"/> is that dispose);
/// a pending read or write is never cancelled, because cancelling aborts the direction; the peer's STOP_SENDING shows as
/// <c>WritesClosed</c> faulting with <see cref="QuicError.StreamAborted"/>; stream limits are set explicitly on both roles.
/// .NET 10 has neither 0-RTT nor datagrams, so <see cref="EngineCapabilities.ZeroRtt"/> and
/// <see cref="EngineCapabilities.Datagrams"/> are absent.
/// </summary>
/// <remarks>
/// Where System.Net.Quic hides something the contract reports (the acknowledgement of RESET_STREAM, a reset's final size,
/// the peer's transport parameters, close reasons), the connection documents what it reports instead.
/// </remarks>
public sealed class MsQuicEngine : IQuicEngine
{
    /// <summary>The name configuration uses for this engine.</summary>
    public const string EngineName = "msquic";

    private readonly MsQuicEngineOptions _options;
    private readonly ConcurrentDictionary<object, byte> _live = new(ReferenceEqualityComparer.Instance);
    private int _disposed;

    /// <summary>Creates the engine with <paramref name="options"/>, or the defaults.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public MsQuicEngine(MsQuicEngineOptions? options = null)
    {
        _options = options ?? new MsQuicEngineOptions();
        _options.Validate();
    }

    /// <inheritdoc />
    public string Name => EngineName;

    /// <summary>Explicit slot release, unidirectional streams, acknowledgement events and a real network; no 0-RTT, no datagrams.</summary>
    public EngineCapabilities Capabilities =>
        EngineCapabilities.ExplicitSlotRelease | EngineCapabilities.UnidirectionalStreams | EngineCapabilities.AcknowledgementEvents | EngineCapabilities.RealNetwork;

    /// <summary>Whether System.Net.Quic can run here: <c>QuicListener.IsSupported</c> and <c>QuicConnection.IsSupported</c>.</summary>
    public bool IsAvailable => MsQuicPlatform.IsSupported;

    /// <inheritdoc />
    public string? UnavailableReason => MsQuicPlatform.UnavailableReason;

    /// <inheritdoc />
    /// <exception cref="QuicTransportException">The engine is unavailable (<see cref="QuicTransportError.EngineUnavailable"/>), the address is in use, or the options ask for 0-RTT (<see cref="QuicTransportError.NotSupported"/>).</exception>
    public async ValueTask<IQuicEngineListener> ListenAsync(QuicListenerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // The guard is spelled out here (not in a helper) so the platform analyzer sees it before System.Net.Quic is touched.
        if (!MsQuicPlatform.IsSupported) throw MsQuicPlatform.Unavailable("listen", MsQuicPlatform.UnavailableReason!);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        MsQuicOptionsMapper.ValidateForMsQuic(options.Transport, $"{nameof(QuicListenerOptions)}.{nameof(QuicListenerOptions.Transport)}");

        var listener = await MsQuicEngineListener.StartAsync(options, _options, Register, Forget, cancellationToken).ConfigureAwait(false);
        Register(listener);
        return listener;
    }

    /// <inheritdoc />
    /// <exception cref="QuicTransportException">The engine is unavailable, the handshake failed, nobody answered, or the options carry a resumption ticket (<see cref="QuicTransportError.NotSupported"/>).</exception>
    public async ValueTask<IQuicEngineConnection> ConnectAsync(QuicClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // The guard is spelled out here (not in a helper) so the platform analyzer sees it before System.Net.Quic is touched.
        if (!MsQuicPlatform.IsSupported) throw MsQuicPlatform.Unavailable("connect", MsQuicPlatform.UnavailableReason!);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        MsQuicOptionsMapper.ValidateForMsQuic(options.Transport, $"{nameof(QuicClientOptions)}.{nameof(QuicClientOptions.Transport)}");

        var relay = new StreamCapacityRelay();
        var connectionOptions = MsQuicOptionsMapper.CreateClientConnectionOptions(options, _options, relay.OnCapacity);
        QuicConnection connection;
        try
        {
            connection = await QuicConnection.ConnectAsync(connectionOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (MsQuicErrorMapper.MapConnectFailure(ex, $"{options.RemoteEndPoint} ({MsQuicOptionsMapper.ResolveTargetHost(options)})") is { } mapped)
        {
            throw mapped;
        }

        var engineConnection = new MsQuicEngineConnection(connection, QuicConnectionRole.Client, options.Transport, _options, Forget);
        Register(engineConnection);
        engineConnection.Start(relay);
        return engineConnection;
    }

    /// <summary>Disposes every listener and connection of this engine that is still open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var item in _live.Keys)
        {
            if (item is IAsyncDisposable disposable) await disposable.DisposeAsync().ConfigureAwait(false);
        }
        _live.Clear();
    }

    private void Register(object item) => _live.TryAdd(item, 0);

    private void Forget(object? item)
    {
        if (item is not null) _live.TryRemove(item, out _);
    }

    /// <inheritdoc />
    public override string ToString() => IsAvailable ? "msquic engine" : $"msquic engine (unavailable: {UnavailableReason})";
}
