using QuicActors.Kernel;
using QuicActors.Streams.Internal;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>
/// The entry points: listen with a <see cref="ListenerActor"/> that runs the user's stream handler on every accepted
/// connection, or connect and get a <see cref="QuicConnection"/>. Any engine (<see cref="IQuicEngine"/>) works.
/// </summary>
public static class QuicActorsEndpoint
{
    /// <summary>
    /// Starts listening on <paramref name="engine"/> and a <see cref="ListenerActor"/> (a top-level actor of
    /// <paramref name="system"/>) that owns the engine listener.
    /// </summary>
    /// <param name="system">The actor system that runs the listener and its connections.</param>
    /// <param name="engine">The QUIC engine.</param>
    /// <param name="options">Where and how to listen; its <see cref="QuicTransportParameters.MaxInboundBidirectionalStreams"/> and
    /// <see cref="QuicTransportParameters.MaxInboundUnidirectionalStreams"/> become the connections' inbound limits.</param>
    /// <param name="settings">The connection settings with the stream handler, and the listener's own limits.</param>
    /// <param name="actorName">The listener actor's name; null picks one.</param>
    /// <param name="cancellationToken">Cancels binding.</param>
    /// <exception cref="ArgumentException">The options or settings are invalid; the message names the value.</exception>
    /// <exception cref="QuicTransportException">The address is in use or the engine is unavailable.</exception>
    public static async Task<QuicListener> ListenAsync(ActorSystem system, IQuicEngine engine, QuicListenerOptions options, ListenerSettings settings, string? actorName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();

        // The ledger and the engine must count the same slots (invariant 1), so the engine's limits win.
        settings = settings with
        {
            Connection = settings.Connection with
            {
                InboundBidirectionalLimit = options.Transport.MaxInboundBidirectionalStreams,
                InboundUnidirectionalLimit = options.Transport.MaxInboundUnidirectionalStreams,
            },
        };
        var listener = await engine.ListenAsync(options, cancellationToken).ConfigureAwait(false);
        try
        {
            var actor = system.ActorOf(ListenerActor.Props(listener, settings), actorName);
            return new QuicListener(actor, listener.LocalEndPoint, settings);
        }
        catch
        {
            await listener.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Connects with <paramref name="engine"/> and starts a <see cref="ConnectionActor"/> for the connection. With early
    /// data enabled and a ticket that allows it, this returns before the handshake completes, and streams opened at once
    /// go out in 0-RTT (see <see cref="ConnectionActorSettings.EarlyDataReplay"/> for what happens if they are rejected).
    /// </summary>
    /// <param name="system">The actor system that runs the connection.</param>
    /// <param name="engine">The QUIC engine.</param>
    /// <param name="options">Where and how to connect; its inbound stream limits become the connection's inbound limits.</param>
    /// <param name="settings">The connection settings (null: defaults). A <see cref="ConnectionActorSettings.ConnectionId"/> of 0 is replaced by a process-unique one.</param>
    /// <param name="actorName">The connection actor's name; null picks one.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names the value.</exception>
    /// <exception cref="QuicTransportException">The handshake failed, nobody answered, or the engine is unavailable.</exception>
    public static async Task<QuicConnection> ConnectAsync(ActorSystem system, IQuicEngine engine, QuicClientOptions options, ConnectionActorSettings? settings = null, string? actorName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        settings = (settings ?? new ConnectionActorSettings()) with
        {
            InboundBidirectionalLimit = options.Transport.MaxInboundBidirectionalStreams,
            InboundUnidirectionalLimit = options.Transport.MaxInboundUnidirectionalStreams,
        };
        var connection = await engine.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        try
        {
            return Attach(system, connection, settings, actorName);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts a <see cref="ConnectionActor"/> for a connection obtained elsewhere; the returned facade owns it.
    /// <see cref="ConnectionActorSettings.InboundBidirectionalLimit"/> must equal the engine's configured limit.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static QuicConnection Attach(ActorSystem system, IQuicEngineConnection connection, ConnectionActorSettings? settings = null, string? actorName = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(connection);
        return new QuicConnection(system, connection, ConnectionIds.WithId(settings ?? new ConnectionActorSettings()), actorName);
    }
}
