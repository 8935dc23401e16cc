using System.Globalization;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Hosting.Internal;

/// <summary>
/// A client connection run by a <see cref="ConnectionActor"/>: connect, open streams through the actor's credit ledger,
/// and close. The hosting layer's adapter over the current actor API (see <see cref="HostedListener"/>).
/// </summary>
internal sealed class ClientConnection : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private int _disposed;

    private ClientConnection(IQuicEngineConnection connection, IActorRef actor, long id)
    {
        Connection = connection;
        Actor = actor;
        ConnectionId = id;
    }

    public IQuicEngineConnection Connection { get; }

    public IActorRef Actor { get; }

    public long ConnectionId { get; }

    /// <summary>Connects with <paramref name="options"/> and starts a connection actor with <paramref name="settings"/> (its connection ID is assigned here).</summary>
    /// <exception cref="QuicTransportException">The handshake failed, nobody answered, or the engine is unavailable.</exception>
    public static async Task<ClientConnection> ConnectAsync(ActorSystem system, IQuicEngine engine, QuicClientOptions options, ConnectionActorSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(settings);
        QuicEngines.ThrowIfUnavailable(engine);
        var connection = await engine.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        return Start(system, connection, settings);
    }

    /// <summary>Starts a connection actor on an engine connection made elsewhere (for example, a resumed 0-RTT connection).</summary>
    public static ClientConnection Start(ActorSystem system, IQuicEngineConnection connection, ConnectionActorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(settings);
        var id = ConnectionIds.Next();
        var actor = system.ActorOf(ConnectionActor.Props(connection, settings with { ConnectionId = id }), string.Create(CultureInfo.InvariantCulture, $"client-connection-{id}"));
        return new ClientConnection(connection, actor, id);
    }

    /// <summary>Opens a bidirectional stream, waiting at most <paramref name="timeout"/> for the peer's credit.</summary>
    /// <exception cref="TimeoutException">No credit came in time.</exception>
    public Task<StreamHandle> OpenStreamAsync(TimeSpan timeout) => ConnectionActor.OpenStreamAsync(Actor, StreamDirection.Bidirectional, timeout);

    public Task<ConnectionStatus> GetStatusAsync() => ConnectionActor.GetStatusAsync(Actor);

    /// <summary>Closes the connection with <paramref name="errorCode"/>, stops the actor and frees the connection.</summary>
    public async ValueTask CloseAsync(long errorCode, string reason)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await Connection.CloseAsync(errorCode, reason).ConfigureAwait(false);
        }
        catch (QuicTransportException)
        {
            // Already closed by the peer or the transport.
        }

        _ = await Actor.GracefulStop(StopTimeout).ConfigureAwait(false);
        await Connection.DisposeAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => CloseAsync(0, "done");
}
