namespace QuicActors.Kernel.Internal;

internal sealed partial class ActorCell
{
    public IActorRef Watch(IActorRef subject) => WatchCore(subject, null);

    public IActorRef WatchWith(IActorRef subject, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WatchCore(subject, message);
    }

    private IActorRef WatchCore(IActorRef subject, object? customMessage)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject is not InternalActorRef target)
            throw new ArgumentException($"Cannot watch {subject}: it is not a ref created by this kernel.", nameof(subject));
        if (ReferenceEquals(target, this)) return subject;
        var watching = Extras.Watching ??= [];
        if (watching.TryGetValue(target, out var entry))
        {
            entry.CustomMessage = customMessage;
            return subject;
        }
        watching.Add(target, new WatchEntry(customMessage));
        target.SendSystemMessage(new WatchMessage(target, this));
        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject is InternalActorRef target && _extras?.Watching is { } watching && watching.Remove(target))
            target.SendSystemMessage(new UnwatchMessage(target, this));
        return subject;
    }

    private void AddWatcher(WatchMessage watch)
    {
        if (!ReferenceEquals(watch.Watchee, this) || ReferenceEquals(watch.Watcher, this)) return;
        (Extras.Watchers ??= []).Add(watch.Watcher);
    }

    private void RemoveWatcher(UnwatchMessage unwatch)
    {
        if (ReferenceEquals(unwatch.Watchee, this)) _extras?.Watchers?.Remove(unwatch.Watcher);
    }

    /// <summary>A watched actor died: queue its <see cref="Terminated"/> behind the messages it sent before dying.</summary>
    private void OnWatchedActorTerminated(DeathWatchNotification notification)
    {
        if (_extras?.Watching is not { } watching || !watching.TryGetValue(notification.Actor, out var entry) || entry.Queued) return;
        entry.Queued = true;
        Tell(new WatchedActorTerminated(new Terminated(notification.Actor, notification.ExistenceConfirmed)), notification.Actor);
    }

    /// <summary>Delivers a queued <see cref="Terminated"/> unless the actor unwatched in the meantime.</summary>
    private void DeliverTerminated(Terminated terminated)
    {
        if (terminated.ActorRef is not InternalActorRef dead
            || _extras?.Watching is not { } watching
            || !watching.TryGetValue(dead, out var entry)
            || !entry.Queued)
        {
            return;
        }
        watching.Remove(dead);
        var message = entry.CustomMessage ?? terminated;
        _currentMessage = message;
        _actor!.AroundReceive(_behavior, message);
    }
}
