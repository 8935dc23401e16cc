using System.Net;
using QuicActors.Kernel;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>
/// A small facade over one connection and the <see cref="ConnectionActor"/> that runs it: open streams, read the current
/// generation and the bookkeeping, close. Made by <see cref="QuicActorsEndpoint.ConnectAsync"/> (client) or
/// <see cref="QuicActorsEndpoint.Attach"/> (an engine connection obtained elsewhere). Server-side connections are run by a
/// <see cref="ListenerActor"/> and reach user code only through the stream handler.
/// </summary>
/// <remarks>Disposing closes the connection with application code 0, stops the actor and disposes the engine connection.</remarks>
public sealed class QuicConnection : IAsyncDisposable
{
    private readonly IQuicEngineConnection _connection;
    private readonly GenerationTracker _generations;
    private readonly ConnectionActorSettings _settings;
    private readonly ActorSystem _system;
    private int _disposed;

    internal QuicConnection(ActorSystem system, IQuicEngineConnection connection, ConnectionActorSettings settings, string? actorName)
    {
        _system = system;
        _connection = connection;
        _settings = settings;
        _generations = new GenerationTracker(settings.ConnectionId);
        Actor = system.ActorOf(ConnectionActor.Props(connection, settings, _generations), actorName);
    }

    /// <summary>The connection actor: pass it to <see cref="ConnectionActor"/>'s static helpers or watch it.</summary>
    public IActorRef Actor { get; }

    /// <summary>The connection's ID in handle stamps (<see cref="ConnectionActorSettings.ConnectionId"/>, allocated when it was 0).</summary>
    public long ConnectionId => _settings.ConnectionId;

    /// <summary>Whether this end is the client or the server.</summary>
    public QuicConnectionRole Role => _connection.Role;

    /// <summary>The local address.</summary>
    public EndPoint LocalEndPoint => _connection.LocalEndPoint;

    /// <summary>The peer's address.</summary>
    public EndPoint RemoteEndPoint => _connection.RemoteEndPoint;

    /// <summary>The current generation: 1, or more after each 0-RTT rejection (RFC 9001 §4.6.2). Handles of earlier generations are inert.</summary>
    public int Generation => _generations.Current.Generation;

    /// <summary>Whether the connection has closed; every handle is inert then.</summary>
    public bool IsClosed => _generations.IsClosed;

    /// <summary>Completes with how the connection ended; never faults.</summary>
    public Task<ConnectionCloseInfo> Closed => _connection.Closed;

    /// <summary>
    /// Opens a local stream, waiting in FIFO order at most <paramref name="timeout"/> (default
    /// <see cref="ConnectionActorSettings.OpenTimeout"/>) for the peer's stream credit (RFC 9000 §4.6).
    /// </summary>
    /// <exception cref="TimeoutException">(In the task) no credit came in time; nothing was opened.</exception>
    /// <exception cref="InvalidOperationException">(In the task) the connection closed or the engine refused.</exception>
    public Task<StreamHandle> OpenStreamAsync(StreamDirection direction = StreamDirection.Bidirectional, TimeSpan? timeout = null) =>
        ConnectionActor.OpenStreamAsync(Actor, direction, timeout ?? _settings.OpenTimeout);

    /// <summary>A snapshot of the connection actor's credit and stream bookkeeping.</summary>
    public Task<ConnectionStatus> GetStatusAsync() => ConnectionActor.GetStatusAsync(Actor);

    /// <summary>
    /// The handle that replaced a stream opened in 0-RTT after the server rejected early data, under
    /// <see cref="EarlyDataReplayPolicy.Replay"/>; completes once the stream was re-opened and its early bytes re-sent.
    /// </summary>
    /// <exception cref="InvalidOperationException">(In the task) the stream was not replayed; the message says why.</exception>
    public Task<StreamHandle> GetReplacementAsync(StreamHandle earlyHandle) => ConnectionActor.GetReplacementAsync(Actor, earlyHandle);

    /// <summary>
    /// Closes the connection with <paramref name="applicationErrorCode"/> (RFC 9000 §10.2): every stream ends, every handle
    /// becomes inert, the connection actor stops. Idempotent. The engine connection is disposed by <see cref="DisposeAsync"/>.
    /// </summary>
    public async Task CloseAsync(long applicationErrorCode = 0, string reason = "")
    {
        await _connection.CloseAsync(applicationErrorCode, reason).ConfigureAwait(false);
        await Actor.GracefulStop(_system.Settings.DefaultAskTimeout).ConfigureAwait(false);
    }

    /// <summary>Closes with code 0 if still open, stops the actor and disposes the engine connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await CloseAsync(0, "disposed").ConfigureAwait(false);
        }
        finally
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"QuicConnection({ConnectionId}, {Role}, generation {Generation}, {RemoteEndPoint})";
}
