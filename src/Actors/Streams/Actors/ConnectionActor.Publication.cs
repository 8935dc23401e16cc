using QuicActors.Kernel;
using QuicActors.Streams.Internal;
using QuicActors.Transport;
using Serilog.Events;

namespace QuicActors.Streams;

/// <summary>
/// Publication (invariant 3): every transition a stream actor reports reaches, once each and in order, the actor
/// subscribers (<see cref="SubscribeTransitions"/>), the connection-wide observers (<see cref="ObserveTransitions"/>),
/// the settings' <see cref="ConnectionActorSettings.OnTransition"/> callback, the metrics and the log. The stream's own
/// handle observers are served earlier, by the stream actor.
/// </summary>
public sealed partial class ConnectionActor
{
    private readonly List<(IActorRef Subscriber, StreamHandleStamp? Filter)> _subscribers = [];
    private IObserver<StreamTransition>[] _observers = [];
    private Serilog.ILogger _log = Serilog.Core.Logger.None;
    private TransitionAudience _audience = null!;
    private StreamActorContext _streamContext = null!;
    private CreditGauge? _creditGauge;

    /// <summary>
    /// Every half-state transition of <paramref name="connectionActor"/>'s streams, all generations, from when a
    /// subscription is processed by the actor. Observers are called on the connection actor's thread and must not
    /// block; they complete when the connection actor stops.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="connectionActor"/> is null.</exception>
    public static IObservable<StreamTransition> ObserveTransitions(IActorRef connectionActor)
    {
        ArgumentNullException.ThrowIfNull(connectionActor);
        return new ConnectionTransitions(connectionActor);
    }

    private void ReceivePublication()
    {
        Receive<SubscribeTransitions>(OnSubscribe);
        Receive<UnsubscribeTransitions>(u => RemoveSubscriber(u.Subscriber, unwatch: true));
        Receive<TransitionObserverCommand>(OnObserverCommand);
    }

    private void StartPublication()
    {
        _log = _settings.Logger ?? Context.System.Log;
        _audience = new TransitionAudience(_settings, _log);
        _streamContext = new StreamActorContext(this, _connection, _generations, _settings.Linger, _time, _audience);
        _creditGauge = new CreditGauge(this);
        _settings.Metrics.AddCreditSource(_creditGauge);
    }

    private void StopPublication()
    {
        if (_creditGauge is not null)
        {
            _settings.Metrics.RemoveCreditSource(_creditGauge);
        }

        // The stream actors stopped with us (PostStop): their ends are recorded here.
        foreach (var entry in _streams.Values)
        {
            RecordStreamEnded(entry);
        }

        foreach (var entry in _discardedStreams)
        {
            RecordStreamEnded(entry);
        }

        _streams.Clear();
        _discardedStreams.Clear();

        var observers = _observers;
        _observers = [];
        foreach (var observer in observers)
        {
            observer.OnCompleted();
        }

        DiscardDatagramFlows();
    }

    private void OnStreamSpawned(StreamHandle handle)
    {
        _settings.Metrics.ActiveStreams.Add(1, MetricTags.Direction(handle.StreamId), MetricTags.Initiator(handle.StreamId, _connection.Role));
        BindDatagramFlow(handle);
    }

    /// <summary>A subscriber stopped.</summary>
    private void OnActorTerminatedPublication(IActorRef actor) => RemoveSubscriber(actor, unwatch: false);

    private void RecordStreamEnded(in StreamEntry entry)
    {
        var stamp = entry.Handle.Stamp;
        var startedAt = entry.StartedAt;
        var direction = MetricTags.Direction(stamp.StreamId);
        var initiator = MetricTags.Initiator(stamp.StreamId, _connection.Role);
        _settings.Metrics.ActiveStreams.Add(-1, direction, initiator);
        if (_settings.Metrics.StreamLifetime.Enabled)
        {
            // The clock only for a histogram someone collects: a clock read is not free on every machine.
            _settings.Metrics.StreamLifetime.Record(_time.GetElapsedTime(startedAt).TotalSeconds, direction, initiator);
        }
    }

    private void OnSubscribe(SubscribeTransitions subscribe)
    {
        if (subscribe.Subscriber is null)
        {
            // Not thrown: an exception here would restart the connection actor and lose its streams.
            _log.Warning("Connection {ConnectionId}: ignored a SubscribeTransitions without a subscriber", _settings.ConnectionId);
            return;
        }

        foreach (var (subscriber, filter) in _subscribers)
        {
            if (subscriber.Equals(subscribe.Subscriber) && filter == subscribe.StreamFilter)
            {
                return;
            }
        }

        _subscribers.Add((subscribe.Subscriber, subscribe.StreamFilter));
        CountListeners();
        Context.Watch(subscribe.Subscriber);
    }

    private void RemoveSubscriber(IActorRef subscriber, bool unwatch)
    {
        if (_subscribers.RemoveAll(s => s.Subscriber.Equals(subscriber)) > 0 && unwatch)
        {
            Context.Unwatch(subscriber);
        }

        CountListeners();
    }

    private void OnObserverCommand(TransitionObserverCommand command)
    {
        _observers = command.Subscribe
            ? [.. _observers, command.Observer]
            : Array.FindAll(_observers, o => !ReferenceEquals(o, command.Observer));
        CountListeners();
    }

    private void CountListeners() => _audience.SetListeners(_subscribers.Count + _observers.Length);

    /// <summary>The one place a transition leaves the stream for the world outside it.</summary>
    private void PublishTransition(in StreamTransition transition)
    {
        var metrics = _settings.Metrics;
        metrics.Transitions.Add(1, MetricTags.Half(transition.Half), MetricTags.State(transition), MetricTags.Cause(transition.Cause));
        if (_log.IsEnabled(LogEventLevel.Debug))
        {
            LogTransition(transition);
        }

        if (_settings.OnTransition is { } callback)
        {
            try
            {
                callback(transition);
            }
            catch (Exception ex)
            {
                _log.Warning(ex, "Connection {ConnectionId}: the OnTransition callback failed on {Transition}", _settings.ConnectionId, transition);
            }
        }

        if (_subscribers.Count > 0)
        {
            object message = transition;
            foreach (var (subscriber, filter) in _subscribers)
            {
                if (filter is null || filter == transition.Stamp)
                {
                    subscriber.Tell(message, Self);
                }
            }
        }

        foreach (var observer in _observers)
        {
            try
            {
                observer.OnNext(transition);
            }
            catch (Exception ex)
            {
                _log.Warning(ex, "Connection {ConnectionId}: a transition observer failed on {Transition}", _settings.ConnectionId, transition);
            }
        }

        if (_generations.IsCurrent(transition.Stamp))
        {
            UpdateDatagramFlow(transition);
        }
    }

    private void LogTransition(in StreamTransition transition)
    {
        var (from, to, errorCode) = transition.Half == StreamHalf.Send
            ? (transition.Send.From.ToString(), transition.Send.To.ToString(), transition.Send.ErrorCode)
            : (transition.Receive.From.ToString(), transition.Receive.To.ToString(), transition.Receive.ErrorCode);
        _log.Debug(
            "Connection {ConnectionId} generation {Generation} stream {StreamId} {Half}: {FromState} -> {State} ({Cause}, error code {ErrorCode})",
            _settings.ConnectionId,
            transition.Stamp.Generation,
            transition.Stamp.StreamId.Value,
            transition.Half,
            from,
            to,
            transition.Cause,
            errorCode);
    }

    /// <summary>A stream's linger policy took <paramref name="newActions"/> (its first, when <paramref name="firstActions"/>): the metrics.</summary>
    void IStreamActorHost.OnLingerActed(StreamHandleStamp stamp, LingerActions newActions, bool firstActions)
    {
        var metrics = _settings.Metrics;
        if (firstActions)
        {
            metrics.LeaksReclaimed.Add(1, MetricTags.Direction(stamp.StreamId));
        }

        foreach (var action in (ReadOnlySpan<LingerActions>)[LingerActions.Drain, LingerActions.SendStopSending, LingerActions.SendFin, LingerActions.SendReset])
        {
            if ((newActions & action) != 0)
            {
                metrics.LingerActions.Add(1, MetricTags.Action(action));
            }
        }
    }

    private void RecordSlotReclaimed(QuicStreamId streamId) => _settings.Metrics.SlotsReclaimed.Add(1, MetricTags.Direction(streamId));

    private void RecordLeakReported() => _settings.Metrics.LeaksReported.Add(1);

    private sealed class CreditGauge(ConnectionActor owner) : ICreditGaugeSource
    {
        // Read from the metrics collector's thread: each value is one aligned 64-bit read of the actor's current ledgers.
        public CreditReading ReadCredit() => new(
            owner._bidirectional.InboundAvailable,
            owner._unidirectional.InboundAvailable,
            owner._bidirectional.OutboundAvailable,
            owner._unidirectional.OutboundAvailable);
    }

    private sealed class ConnectionTransitions(IActorRef connectionActor) : IObservable<StreamTransition>
    {
        public IDisposable Subscribe(IObserver<StreamTransition> observer)
        {
            ArgumentNullException.ThrowIfNull(observer);
            connectionActor.Tell(new TransitionObserverCommand(observer, Subscribe: true), ActorRefs.NoSender);
            return new Subscription(connectionActor, observer);
        }
    }

    private sealed class Subscription(IActorRef connectionActor, IObserver<StreamTransition> observer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                connectionActor.Tell(new TransitionObserverCommand(observer, Subscribe: false), ActorRefs.NoSender);
            }
        }
    }
}
