using QuicActors.Kernel.Internal;

namespace QuicActors.Kernel;

/// <summary>
/// Publish-subscribe by message type: a subscriber to a type receives every published message assignable
/// to it (so subscribing to a base type or interface receives all its subtypes).
/// </summary>
public sealed class EventStream
{
    private readonly Lock _gate = new();
    private volatile Subscription[] _subscriptions = [];

    private readonly record struct Subscription(IActorRef Subscriber, Type Channel);

    /// <summary>Subscribes <paramref name="subscriber"/> to messages assignable to <paramref name="channel"/>.</summary>
    /// <returns><see langword="false"/> when it was already subscribed to that channel.</returns>
    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        lock (_gate)
        {
            var current = _subscriptions;
            if (Array.IndexOf(current, new Subscription(subscriber, channel)) >= 0) return false;
            _subscriptions = [.. current, new Subscription(subscriber, channel)];
            return true;
        }
    }

    /// <summary>Subscribes <paramref name="subscriber"/> to messages assignable to <typeparamref name="T"/>.</summary>
    public bool Subscribe<T>(IActorRef subscriber) => Subscribe(subscriber, typeof(T));

    /// <summary>Removes one subscription.</summary>
    public bool Unsubscribe(IActorRef subscriber, Type channel)
    {
        lock (_gate)
        {
            var current = _subscriptions;
            var next = Array.FindAll(current, s => !(ReferenceEquals(s.Subscriber, subscriber) && s.Channel == channel));
            _subscriptions = next;
            return next.Length != current.Length;
        }
    }

    /// <summary>Removes every subscription of <paramref name="subscriber"/>.</summary>
    public bool Unsubscribe(IActorRef subscriber)
    {
        lock (_gate)
        {
            var current = _subscriptions;
            var next = Array.FindAll(current, s => !ReferenceEquals(s.Subscriber, subscriber));
            _subscriptions = next;
            return next.Length != current.Length;
        }
    }

    /// <summary>Delivers <paramref name="event"/> to every matching subscriber (with no sender).</summary>
    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var type = @event.GetType();
        var dead = false;
        foreach (var s in _subscriptions)
        {
            if (!s.Channel.IsAssignableFrom(type)) continue;
            if (s.Subscriber is ActorCell { IsTerminated: true })
            {
                // A dead subscriber would turn the event into a dead letter, which is published again.
                dead = true;
                continue;
            }
            s.Subscriber.Tell(@event, null);
        }
        if (dead)
        {
            lock (_gate) { _subscriptions = Array.FindAll(_subscriptions, s => s.Subscriber is not ActorCell { IsTerminated: true }); }
        }
    }
}
