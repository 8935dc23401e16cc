namespace QuicActors.Kernel.Internal;

internal sealed partial class ActorCell
{
    private void ProcessSystemMessages()
    {
        while (true)
        {
            if ((_flags & FlagTerminated) != 0) return;
            var head = Volatile.Read(ref _systemHead);
            if (head is null || head is ClosedQueueMarker) return;
            head = Interlocked.Exchange(ref _systemHead, null);

            // The queue is a stack (newest first): reverse it to process in arrival order.
            SystemMessage? ordered = null;
            while (head is not null)
            {
                var next = head.Next;
                head.Next = ordered;
                ordered = head;
                head = next;
            }
            while (ordered is not null)
            {
                var message = ordered;
                ordered = ordered.Next;
                message.Next = null;
                if ((_flags & FlagTerminated) != 0) HandleSystemMessageAfterTermination(message);
                else ProcessSystemMessage(message);
            }
        }
    }

    private void ProcessSystemMessage(SystemMessage message)
    {
        try
        {
            switch (message)
            {
                case CreateMessage: DoCreate(); break;
                case TerminateMessage: DoTerminate(); break;
                case SuspendMessage: DoSuspend(); break;
                case ResumeMessage: DoResume(); break;
                case RecreateMessage recreate: DoRecreate(recreate.Cause); break;
                case FailedMessage failed: HandleChildFailure(failed); break;
                case WatchMessage watch: AddWatcher(watch); break;
                case UnwatchMessage unwatch: RemoveWatcher(unwatch); break;
                case DeathWatchNotification notification: OnWatchedActorTerminated(notification); break;
                case ChildTerminatedMessage childTerminated: HandleChildTerminated(childTerminated.Child); break;
                case AsyncHandlerCompleted completed: HandleAsyncCompleted(completed.Task); break;
                case RunContinuation continuation: RunAsyncContinuation(continuation); break;
            }
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
    }

    /// <summary>A system message for a terminated cell: a watch is answered at once, the rest is dropped.</summary>
    private void HandleSystemMessageAfterTermination(SystemMessage message)
    {
        if (message is WatchMessage watch && ReferenceEquals(watch.Watchee, this) && !ReferenceEquals(watch.Watcher, this))
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: false));
    }

    private void DoCreate()
    {
        _flags |= FlagCreated;
        try
        {
            _actor = NewActor();
            _actor.AroundPreStart();
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e as ActorInitializationException
                ?? new ActorInitializationException($"Exception while creating {Path} (actor type {_props.ActorType.FullName}): {e.Message}", e));
        }
    }

    private void DoSuspend()
    {
        _suspendCount++;
        foreach (var child in ChildrenSnapshot()) child.SendSystemMessage(new SuspendMessage());
    }

    private void DoResume()
    {
        if (_suspendCount > 0) _suspendCount--;
        _flags &= ~FlagFailed;
        foreach (var child in ChildrenSnapshot()) child.SendSystemMessage(new ResumeMessage());
    }

    private void DoTerminate()
    {
        if (IsTerminatingOrTerminated) return;
        _flags |= FlagTerminating;
        StopReceiveTimeout();
        ActorCell[] children;
        if (_extras is null && _parent is not null)
        {
            // No child was ever made, and none can be now: only this actor's own turn makes its children (the guardian's
            // come from any thread, hence the lock below), and MakeChild refuses once the actor is terminating. Most actors
            // stop like this, and the extras would be made only to hold the closed flag.
            children = [];
        }
        else
        {
            var extras = Extras;
            lock (extras)
            {
                extras.ChildrenClosed = true;
                children = extras.Children is { Count: > 0 } map ? [.. map.Values] : [];
            }
        }
        if (children.Length == 0)
        {
            FinishTerminate();
            return;
        }
        foreach (var child in children) StopChild(child);
    }

    private void FinishTerminate()
    {
        var actor = _actor;
        if (actor is not null)
        {
            try { actor.AroundPostStop(); }
            catch (Exception e)
            {
                _system.Log.Error(e, "PostStop of {ActorPath:l} threw", Path.ToString());
            }
        }
        var extras = _extras;
        extras?.Timers?.CancelAll();
        StopReceiveTimeout();
        _flags = (_flags & ~FlagTerminating) | FlagTerminated;

        // Close both queues; anything arriving from now on is answered (watch) or dropped by the senders.
        var rest = Interlocked.Exchange(ref _systemHead, ClosedQueueMarker.Instance);
        Interlocked.Or(ref _status, StatusClosed);
        while (rest is not null and not ClosedQueueMarker)
        {
            var next = rest.Next;
            rest.Next = null;
            HandleSystemMessageAfterTermination(rest);
            rest = next;
        }
        if (extras is not null)
        {
            if (extras.Front is { } front) while (front.TryDequeue(out var envelope)) DeadLetter(envelope);
            if (extras.Stash is { } stash)
            {
                foreach (var envelope in stash) DeadLetter(envelope);
                stash.Clear();
            }
        }
        DrainMailboxToDeadLetters();

        // The parent frees the name first, then watchers learn of the death.
        if (_parent is not null) _parent.SendSystemMessage(new ChildTerminatedMessage(this));
        if (extras is not null)
        {
            if (extras.Watchers is { } watchers)
            {
                foreach (var watcher in watchers) watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: true));
                watchers.Clear();
            }
            if (extras.Watching is { } watching)
            {
                foreach (var watched in watching.Keys) watched.SendSystemMessage(new UnwatchMessage(watched, this));
                watching.Clear();
            }
            extras.BehaviorStack = null;
            extras.SyncContext = null;
            extras.AsyncMessage = null;
            extras.FailedMessage = null;
        }
        _actor = null;
        _behavior = null;
        _currentMessage = null;
        _currentSender = null;
        if (_parent is null) _system.OnGuardianTerminated();
    }
}
