using System.Collections.Concurrent;
using System.Net;
using QuicActors.Transport.InMemory.Internal;

namespace QuicActors.Transport.InMemory;

/// <summary>
/// A QUIC model in one process: endpoints joined by an in-memory wire that carries frame objects, faithful to the parts
/// of RFC 9000 the stream lifecycle depends on (stream IDs and states, flow control driven by consumption, cumulative
/// MAX_STREAMS credit that only grows on release, STOP_SENDING answered by RESET_STREAM, final sizes, close, idle
/// timeout), plus 0-RTT with acceptance or rejection and RFC 9221 datagrams. Runs on any
/// <see cref="TimeProvider"/> and takes a seeded <see cref="InMemory.FaultPlan"/>, so tests are reproducible.
/// </summary>
/// <remarks>
/// It is the embedded default engine: no certificates or sockets are involved (certificate options are ignored).
/// Both endpoints of a connection run on the clock and fault plan of the engine that connected.
/// </remarks>
public sealed class InMemoryQuicEngine : IQuicEngine
{
    /// <summary>The engine's name in configuration and in resumption tickets.</summary>
    public const string EngineName = "in-memory";

    private readonly ConcurrentDictionary<InMemoryConnection, byte> _connections = new();
    private readonly ConcurrentDictionary<InMemoryListener, byte> _listeners = new();
    private int _connects;
    private volatile bool _disposed;

    /// <summary>Creates an engine; default options use the system clock, the shared network and no faults.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names the value.</exception>
    public InMemoryQuicEngine(InMemoryEngineOptions? options = null)
    {
        Options = options ?? new InMemoryEngineOptions();
        Options.Validate();
    }

    /// <summary>The options the engine runs with.</summary>
    public InMemoryEngineOptions Options { get; }

    /// <inheritdoc />
    public string Name => EngineName;

    /// <inheritdoc />
    public EngineCapabilities Capabilities =>
        EngineCapabilities.ZeroRtt | EngineCapabilities.Datagrams | EngineCapabilities.ExplicitSlotRelease
        | EngineCapabilities.UnidirectionalStreams | EngineCapabilities.VirtualTime | EngineCapabilities.FaultInjection
        | EngineCapabilities.AcknowledgementEvents;

    /// <inheritdoc />
    public bool IsAvailable => true;

    /// <inheritdoc />
    public string? UnavailableReason => null;

    /// <inheritdoc />
    public ValueTask<IQuicEngineListener> ListenAsync(QuicListenerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (options.ListenEndPoint is not IPEndPoint endPoint)
            throw new ArgumentException($"{nameof(QuicListenerOptions)}.{nameof(QuicListenerOptions.ListenEndPoint)} = {options.ListenEndPoint}: the in-memory engine binds IP addresses only.", nameof(options));
        var listener = new InMemoryListener(this, Options.Network, options, endPoint);
        _listeners.TryAdd(listener, 0);
        return new ValueTask<IQuicEngineListener>(listener);
    }

    /// <inheritdoc />
    public async ValueTask<IQuicEngineConnection> ConnectAsync(QuicClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var ticket = options.ResumptionTicket is null ? null : ResumptionTicketData.Decode(options.ResumptionTicket, nameof(options));
        var listener = Options.Network.Find(options.RemoteEndPoint)
            ?? throw new QuicTransportException(QuicTransportError.ConnectionRefused, $"Cannot connect to {options.RemoteEndPoint}: no in-memory listener is bound there.");

        var ordinal = Interlocked.Increment(ref _connects) - 1;
        var wire = new InMemoryWire(Options.TimeProvider, Options.FaultPlan, Options.Seed, ordinal, listener, Options.EarlyDataRoundTrip);
        var connection = new InMemoryConnection(this, wire, QuicConnectionRole.Client, options.Transport, Options.Network.AllocateClientEndPoint(), options.RemoteEndPoint);
        wire.Client = connection;
        Track(connection);
        // 0-RTT needs a ticket that allows it, for an ALPN the client still offers (RFC 9001 §4.6.1).
        var earlyData = options.EnableEarlyData && ticket is { AllowsEarlyData: true }
            && options.ApplicationProtocols.Contains(options.ResumptionTicket!.ApplicationProtocol, StringComparer.Ordinal)
            && options.ResumptionTicket.ExpiresAt > Options.TimeProvider.GetUtcNow();
        connection.StartClient(options, ticket, earlyData);
        if (earlyData) return connection;
        try
        {
            await connection.HandshakeTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await connection.CloseAsync(0, "connect cancelled").ConfigureAwait(false);
            throw;
        }
        return connection;
    }

    /// <summary>The connections this engine has opened or accepted and not yet forgotten; a snapshot.</summary>
    internal ICollection<InMemoryConnection> TrackedConnections => _connections.Keys;

    internal void Track(InMemoryConnection connection) => _connections.TryAdd(connection, 0);

    internal void Forget(InMemoryConnection connection) => _connections.TryRemove(connection, out _);

    internal void Forget(InMemoryListener listener) => _listeners.TryRemove(listener, out _);

    /// <summary>Disposes the engine's listeners and closes its open connections with application code 0.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var listener in _listeners.Keys) await listener.DisposeAsync().ConfigureAwait(false);
        foreach (var connection in _connections.Keys) await connection.CloseAsync(0, "engine disposed").ConfigureAwait(false);
    }
}
