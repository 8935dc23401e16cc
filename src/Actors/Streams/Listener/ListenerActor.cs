using QuicActors.Kernel;
using QuicActors.Streams.Internal;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>
/// Accepts connections from one <see cref="IQuicEngineListener"/> and runs each in a child <see cref="ConnectionActor"/>
/// with the user's stream handler (<see cref="ListenerSettings.Connection"/>). A connection actor stops when its connection
/// ends; the engine connection is then disposed. The listener owns the engine listener and every accepted connection.
/// </summary>
/// <remarks>
/// <para>Stopping gracefully (<see cref="StopAsync"/>, or <see cref="QuicListener.StopAsync"/>): stop accepting at once,
/// let each connection's streams finish (handlers return, the linger policy drains and finishes forgotten halves) and
/// close each connection with code 0 as soon as it has no live stream, or when the grace period ends; then stop.</para>
/// <para>Stopped abruptly (PoisonPill, parent stopping): every connection is closed with code 0 at once.</para>
/// </remarks>
public sealed class ListenerActor : ReceiveActor, IWithTimers
{
    private static readonly SupervisorStrategy StopOnFailure = new OneForOneStrategy(static _ => Directive.Stop);
    private readonly IQuicEngineListener _listener;
    private readonly ListenerSettings _settings;
    private readonly Dictionary<IActorRef, IQuicEngineConnection> _connections = [];
    private long _accepted;
    private long _refused;
    private bool _accepting = true;
    private bool _stopping;
    private bool _listenerDisposed;

    private ListenerActor(IQuicEngineListener listener, ListenerSettings settings)
    {
        _listener = listener;
        _settings = settings;
        Receive<ConnectionAccepted>(OnAccepted);
        Receive<AcceptLoopEnded>(OnAcceptLoopEnded);
        Receive<AcceptedConnectionEnded>(e => Context.Stop(e.ConnectionActor));
        Receive<Terminated>(OnConnectionActorTerminated);
        Receive<ListenerStatusQuery>(q => q.Completion.TrySetResult(new ListenerStatus(_accepting, _accepted, _refused, _connections.Count)));
        Receive<StopListening>(OnStopListening);
        Receive<ShutdownPoll>(_ => PollConnections());
        Receive<ConnectionIdleReport>(OnIdleReport);
        Receive<ShutdownGraceExpired>(_ => CloseAll("listener grace period over"));
    }

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for a listener actor that takes ownership of <paramref name="listener"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public static Props Props(IQuicEngineListener listener, ListenerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return Kernel.Props.Create(() => new ListenerActor(listener, settings));
    }

    /// <summary>A snapshot of the listener's bookkeeping.</summary>
    public static Task<ListenerStatus> GetStatusAsync(IActorRef listenerActor)
    {
        ArgumentNullException.ThrowIfNull(listenerActor);
        var completion = new TaskCompletionSource<ListenerStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        listenerActor.Tell(new ListenerStatusQuery(completion), ActorRefs.NoSender);
        return completion.Task;
    }

    /// <summary>
    /// Stops gracefully: no more connections are accepted, each connection closes (code 0) once its streams are done or
    /// <paramref name="gracePeriod"/> has passed, then the actor stops. Completes with <see langword="true"/> when the actor
    /// stopped within <paramref name="timeout"/> (default: the grace period plus the system's ask timeout).
    /// </summary>
    public static Task<bool> StopAsync(IActorRef listenerActor, TimeSpan gracePeriod, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(listenerActor);
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, TimeSpan.Zero);
        return listenerActor.GracefulStop(timeout ?? gracePeriod + TimeSpan.FromSeconds(5), new StopListening(gracePeriod));
    }

    /// <inheritdoc/>
    protected override void PreStart() => _ = AcceptLoopAsync(_listener, Self);

    /// <inheritdoc/>
    protected override void PostStop()
    {
        DisposeListener();
        foreach (var connection in _connections.Values)
        {
            _ = CloseAndDisposeAsync(connection, 0, "listener stopped");
        }

        _connections.Clear();
    }

    /// <summary>A failing connection actor is stopped, not restarted (a restart would forget its streams); its connection is then closed.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => StopOnFailure;

    /// <summary>Runs until the engine listener is disposed (which is how the actor stops it) or fails; only a failure is reported.</summary>
    /// <remarks>
    /// A connection accepted in the instant the actor stops reaches the dead letters, where <see cref="ConnectionAccepted"/>
    /// closes it (<see cref="IDeadLetterAware"/>).
    /// </remarks>
    private static async Task AcceptLoopAsync(IQuicEngineListener listener, IActorRef self)
    {
        try
        {
            while (true)
            {
                var connection = await listener.AcceptConnectionAsync().ConfigureAwait(false);
                self.Tell(new ConnectionAccepted(connection), ActorRefs.NoSender);
            }
        }
        catch (ObjectDisposedException)
        {
            // The actor disposed the engine listener: it is stopping and knows it no longer accepts.
        }
        catch (Exception ex)
        {
            self.Tell(new AcceptLoopEnded(ex), ActorRefs.NoSender);
        }
    }

    internal static async Task CloseAndDisposeAsync(IQuicEngineConnection connection, long code, string reason)
    {
        try
        {
            await connection.CloseAsync(code, reason).ConfigureAwait(false);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnAccepted(ConnectionAccepted accepted)
    {
        var connection = accepted.Connection;
        if (_stopping || _connections.Count >= _settings.MaxConnections)
        {
            _refused++;
            Context.System.Log.Warning("Listener {Listener}: refusing a connection from {Remote} ({Reason})", _listener.LocalEndPoint, connection.RemoteEndPoint, _stopping ? "stopping" : $"{_connections.Count} connections, the maximum");
            _ = CloseAndDisposeAsync(connection, _settings.RefusedConnectionErrorCode, _stopping ? "server stopping" : "too many connections");
            return;
        }

        _accepted++;
        var settings = _settings.Connection with { ConnectionId = ConnectionIds.Next() };
        var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"connection-{_accepted}");
        var actor = Context.Watch(Context.ActorOf(ConnectionActor.Props(connection, settings), name));
        _connections.Add(actor, connection);
        var self = Self;
        connection.Closed.ContinueWith(
            _ => self.Tell(new AcceptedConnectionEnded(actor), ActorRefs.NoSender),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnAcceptLoopEnded(AcceptLoopEnded ended)
    {
        _accepting = false;
        Context.System.Log.Error(ended.Reason, "Listener {Listener}: accepting failed; no more connections are accepted", _listener.LocalEndPoint);
    }

    private void OnConnectionActorTerminated(Terminated terminated)
    {
        if (_connections.Remove(terminated.ActorRef, out var connection))
        {
            _ = CloseAndDisposeAsync(connection, 0, "connection actor stopped");
        }

        if (_stopping && _connections.Count == 0)
        {
            Context.Stop(Self);
        }
    }

    private void OnStopListening(StopListening stop)
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _accepting = false;
        DisposeListener();
        if (_connections.Count == 0)
        {
            Context.Stop(Self);
            return;
        }

        Timers.StartSingleTimer(ShutdownGraceExpired.Instance, ShutdownGraceExpired.Instance, stop.GracePeriod);
        Timers.StartPeriodicTimer(ShutdownPoll.Instance, ShutdownPoll.Instance, TimeSpan.Zero, _settings.ShutdownPollInterval);
    }

    private void PollConnections()
    {
        var self = Self;
        foreach (var actor in _connections.Keys)
        {
            ConnectionActor.GetStatusAsync(actor).ContinueWith(
                t => self.Tell(new ConnectionIdleReport(actor, t.IsCompletedSuccessfully && t.Result.LiveStreams == 0 && t.Result.WaitingOpens == 0), ActorRefs.NoSender),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private void OnIdleReport(ConnectionIdleReport report)
    {
        if (report.Idle && _connections.TryGetValue(report.ConnectionActor, out var connection))
        {
            // Closing completes Closed, which stops the actor, whose Terminated disposes the connection.
            _ = connection.CloseAsync(0, "server stopping").AsTask();
        }
    }

    private void CloseAll(string reason)
    {
        foreach (var connection in _connections.Values)
        {
            _ = connection.CloseAsync(0, reason).AsTask();
        }
    }

    private void DisposeListener()
    {
        if (!_listenerDisposed)
        {
            _listenerDisposed = true;
            _ = _listener.DisposeAsync().AsTask();
        }
    }
}
