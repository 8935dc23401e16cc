using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Hosting.Internal;

/// <summary>
/// A listener served by connection actors: accepts connections from an engine listener and runs a
/// <see cref="ConnectionActor"/> with the stream handler on each, until shut down in three steps: stop accepting (later
/// clients are closed at once), let live streams end by their handlers and the linger policy, then close the connections.
/// </summary>
/// <remarks>
/// This is the hosting layer's adapter over the current <see cref="ConnectionActor"/> API, kept small and internal so
/// the hosted service and the examples can move to the listener actor and endpoint facade without changing their shape.
/// </remarks>
internal sealed class HostedListener : IAsyncDisposable
{
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private readonly ActorSystem _system;
    private readonly IQuicEngineListener _listener;
    private readonly ConnectionActorSettings _settings;
    private readonly string _name;
    private readonly Serilog.ILogger _log;
    private readonly CancellationTokenSource _disposing = new();
    private readonly ConcurrentDictionary<long, Served> _connections = new();
    // Held while a connection is admitted (its actor started and entered in _connections) and while accepting stops: a
    // connection actor runs the handler as soon as it starts, so a shutdown that read the table between the two steps
    // would see no connection, report its streams drained and leave the connection open.
    private readonly Lock _admission = new();
    private readonly Task _acceptLoop;
    private volatile bool _refusing;
    private long _refuseCode;
    private long _accepted;
    private long _refused;
    private int _disposed;

    private HostedListener(ActorSystem system, IQuicEngineListener listener, ConnectionActorSettings settings, string name)
    {
        _system = system;
        _listener = listener;
        _settings = settings;
        _name = name;
        _log = system.Log.ForContext("Listener", name);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The bound address, with the actual port.</summary>
    public EndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <summary>Starts listening on <paramref name="engine"/> and serving each connection with <paramref name="settings"/> (its connection ID is replaced per connection).</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="QuicTransportException">The address is in use or the engine is unavailable.</exception>
    public static async Task<HostedListener> StartAsync(ActorSystem system, IQuicEngine engine, QuicListenerOptions options, ConnectionActorSettings settings, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        QuicEngines.ThrowIfUnavailable(engine);
        var listener = await engine.ListenAsync(options, cancellationToken).ConfigureAwait(false);
        return new HostedListener(system, listener, settings, name);
    }

    /// <summary>Stops serving new clients: from now on each arriving connection is closed at once with <paramref name="errorCode"/>.</summary>
    public void StopAccepting(long errorCode)
    {
        lock (_admission)
        {
            Interlocked.Exchange(ref _refuseCode, errorCode);
            _refusing = true;
        }
    }

    /// <summary>Sums the connection actors' bookkeeping; a connection actor that does not answer in time counts as empty.</summary>
    public async Task<QuicListenerStatus> GetStatusAsync() => (await SumStatusAsync().ConfigureAwait(false)).Status;

    /// <summary>The sum of <see cref="GetStatusAsync"/>, and how many connection actors did not answer in time.</summary>
    private async Task<(QuicListenerStatus Status, int Unanswered)> SumStatusAsync()
    {
        var unanswered = 0;
        var live = 0;
        long inUse = 0;
        long released = 0;
        var violations = new List<string>();
        var open = 0;
        foreach (var served in _connections.Values)
        {
            open++;
            try
            {
                var status = await ConnectionActor.GetStatusAsync(served.Actor).WaitAsync(StatusTimeout).ConfigureAwait(false);
                live += status.LiveStreams;
                inUse += status.InboundBidirectionalInUse;
                released += status.InboundBidirectionalReleased;
                violations.AddRange(status.InvariantViolations);
            }
            catch (TimeoutException)
            {
                // The connection actor stopped between the snapshot of the table and the query, or it is busy.
                unanswered++;
            }
        }

        return (new QuicListenerStatus(!_refusing, Interlocked.Read(ref _accepted), Interlocked.Read(ref _refused), open, live, inUse, released, violations), unanswered);
    }

    /// <summary>
    /// Waits until no stream is alive on any connection, or <paramref name="timeout"/> passes; true when they all ended.
    /// A connection actor that does not answer is not taken for an empty one: a busy actor would otherwise end the grace
    /// period early, and its streams would be cut while the shutdown reported them drained.
    /// </summary>
    public async Task<bool> WaitForStreamsAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (status, unanswered) = await SumStatusAsync().ConfigureAwait(false);
            if (status.LiveStreams == 0 && unanswered == 0)
            {
                return true;
            }

            if (clock.Elapsed >= timeout || cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Winds the listener down: stop accepting, give live streams up to <paramref name="streamTimeout"/> (or until
    /// <paramref name="cancellationToken"/> fires) to end by their handlers and the linger policy, then close every
    /// connection with <paramref name="errorCode"/> and stop its actor.
    /// </summary>
    public async Task<QuicListenerShutdown> ShutdownAsync(TimeSpan streamTimeout, long errorCode, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        StopAccepting(errorCode);
        var drained = await WaitForStreamsAsync(streamTimeout, cancellationToken).ConfigureAwait(false);
        var cut = drained ? 0 : (await GetStatusAsync().ConfigureAwait(false)).LiveStreams;
        _log.Information("Listener {Listener}: stopped accepting; streams {Outcome}; closing {Count} connections with code {Code}", _name, drained ? "drained" : $"cut by close ({cut} alive)", _connections.Count, errorCode);
        var closed = 0;
        foreach (var (id, served) in _connections)
        {
            if (_connections.TryRemove(id, out _))
            {
                await EndAsync(served, errorCode, "server shutting down").ConfigureAwait(false);
                closed++;
            }
        }

        return new QuicListenerShutdown(drained, cut, closed, clock.Elapsed);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        StopAccepting(Interlocked.Read(ref _refuseCode));
        await _disposing.CancelAsync().ConfigureAwait(false);
        await _acceptLoop.ConfigureAwait(false);
        foreach (var (id, served) in _connections)
        {
            if (_connections.TryRemove(id, out _))
            {
                await EndAsync(served, Interlocked.Read(ref _refuseCode), "listener disposed").ConfigureAwait(false);
            }
        }

        await _listener.DisposeAsync().ConfigureAwait(false);
        _disposing.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            IQuicEngineConnection connection;
            try
            {
                connection = await _listener.AcceptConnectionAsync(_disposing.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (QuicTransportException ex)
            {
                _log.Warning(ex, "Listener {Listener}: accept failed", _name);
                continue;
            }

            if (!TryServe(connection))
            {
                Interlocked.Increment(ref _refused);
                await connection.CloseAsync(Interlocked.Read(ref _refuseCode), "server shutting down").ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
                continue;
            }
        }
    }

    /// <summary>Serves <paramref name="connection"/> unless accepting has stopped: once StopAccepting returns, every served connection is in the table.</summary>
    private bool TryServe(IQuicEngineConnection connection)
    {
        lock (_admission)
        {
            if (_refusing)
            {
                return false;
            }

            Serve(connection);
            return true;
        }
    }

    private void Serve(IQuicEngineConnection connection)
    {
        var id = ConnectionIds.Next();
        var name = string.Create(CultureInfo.InvariantCulture, $"{_name}-connection-{id}");
        var actor = _system.ActorOf(ConnectionActor.Props(connection, _settings with { ConnectionId = id }), name);
        var served = new Served(connection, actor);
        _connections[id] = served;
        Interlocked.Increment(ref _accepted);
        _log.Debug("Listener {Listener}: serving connection {ConnectionId} from {Remote}", _name, id, connection.RemoteEndPoint);
        _ = ForgetWhenClosedAsync(id, served);
    }

    /// <summary>A connection the client closed (or that timed out) is forgotten: its actor stops and the connection is disposed.</summary>
    private async Task ForgetWhenClosedAsync(long id, Served served)
    {
        var close = await served.Connection.Closed.ConfigureAwait(false);
        if (_connections.TryRemove(id, out _))
        {
            _log.Debug("Listener {Listener}: connection {ConnectionId} ended: {Close}", _name, id, close);
            await EndAsync(served, 0, string.Empty).ConfigureAwait(false);
        }
    }

    private static async Task EndAsync(Served served, long errorCode, string reason)
    {
        try
        {
            await served.Connection.CloseAsync(errorCode, reason).ConfigureAwait(false);
        }
        catch (QuicTransportException)
        {
            // Already closed by the peer or the transport: nothing more to send.
        }

        // An actor that does not stop in time is left to the system's termination; the connection is disposed regardless.
        _ = await served.Actor.GracefulStop(StopTimeout).ConfigureAwait(false);

        await served.Connection.DisposeAsync().ConfigureAwait(false);
    }

    private sealed record Served(IQuicEngineConnection Connection, IActorRef Actor);
}
