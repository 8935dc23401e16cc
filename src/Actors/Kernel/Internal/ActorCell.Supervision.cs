namespace QuicActors.Kernel.Internal;

internal sealed partial class ActorCell
{
    /// <summary>
    /// The actor threw: suspend it and its children, drop the failed message, and let the supervisor decide.
    /// </summary>
    private void HandleInvokeFailure(Exception cause)
    {
        if ((_flags & (FlagFailed | FlagTerminated)) != 0) return;
        _flags = (_flags | FlagFailed) & ~FlagAwaitingAsync;
        _suspendCount++;
        foreach (var child in ChildrenSnapshot()) child.SendSystemMessage(new SuspendMessage());
        var message = _currentMessage;
        if (message is not null || _extras is not null) Extras.FailedMessage = message;
        var messageType = message?.GetType();
        if (_parent is null) _system.OnGuardianFailed(this, cause);
        else _parent.SendSystemMessage(new FailedMessage(this, cause, _uid, messageType));
    }

    private void HandleChildFailure(FailedMessage failed)
    {
        var child = failed.Child;
        if (IsTerminatingOrTerminated || !ReferenceEquals(child._parent, this) || child.IsTerminated) return;
        if (Extras.StoppingChildren?.Contains(child) == true) return;

        var strategy = _props.SupervisorStrategy ?? _actor?.SupervisorStrategyInternal ?? SupervisorStrategy.DefaultStrategy;
        Directive directive;
        try { directive = strategy.Decider(failed.Cause); }
        catch (Exception e)
        {
            _system.Log.Error(e, "The supervisor decider of {ActorPath:l} threw; escalating", Path.ToString());
            directive = Directive.Escalate;
        }

        var targets = strategy.AppliesToAllChildren ? ChildrenSnapshot() : [child];
        if (directive == Directive.Restart)
        {
            var now = _system.Settings.TimeProvider.GetTimestamp();
            var stats = Extras.RestartStats ??= [];
            foreach (var target in targets)
            {
                if (!stats.TryGetValue(target, out var s)) stats[target] = s = new ChildRestartStats();
                if (!strategy.RequestRestartPermission(s, now, _system.Settings.TimeProvider)) directive = Directive.Stop;
            }
        }

        if (directive != Directive.Escalate) LogFailure(child, failed, directive);
        switch (directive)
        {
            case Directive.Resume:
                child.SendSystemMessage(new ResumeMessage());
                break;
            case Directive.Restart:
                foreach (var target in targets) target.SendSystemMessage(new RecreateMessage(failed.Cause));
                break;
            case Directive.Stop:
                foreach (var target in targets) StopChild(target);
                break;
            default:
                HandleInvokeFailure(failed.Cause);
                break;
        }
    }

    private void LogFailure(ActorCell child, FailedMessage failed, Directive directive)
    {
        var level = directive == Directive.Resume ? Serilog.Events.LogEventLevel.Warning : Serilog.Events.LogEventLevel.Error;
        _system.Log.Write(level, failed.Cause,
            "Actor {ActorPath:l} failed processing {MessageType:l}: {ExceptionMessage:l}; supervisor directive {Directive}",
            child.Path.ToString(), failed.MessageType?.FullName ?? "(lifecycle)", failed.Cause.Message, directive);
    }

    private void DoRecreate(Exception cause)
    {
        if (IsTerminatingOrTerminated) return;
        var failedActor = _actor;
        if (failedActor is not null)
        {
            try { failedActor.AroundPreRestart(cause, _extras?.FailedMessage); }
            catch (Exception e)
            {
                _system.Log.Error(e, "PreRestart of {ActorPath:l} threw", Path.ToString());
            }
        }
        var extras = Extras;
        extras.Timers?.CancelAll();
        StopReceiveTimeout();
        extras.ReceiveTimeout = null;
        extras.FailedMessage = null;
        extras.AsyncMessage = null;
        extras.AsyncSender = null;
        ResetBehavior();
        _flags = (_flags | FlagRecreating) & ~FlagAwaitingAsync;
        extras.RecreateCause = cause;
        _actor = null;
        if (extras.StoppingChildren is not { Count: > 0 }) FinishRecreate();
    }

    private void FinishRecreate()
    {
        var extras = Extras;
        var cause = extras.RecreateCause!;
        extras.RecreateCause = null;
        _flags &= ~(FlagRecreating | FlagFailed);
        if (_suspendCount > 0) _suspendCount--;

        // Stashed messages of the failed instance go back in front of the mailbox.
        Unstash(all: true);
        var survivors = ChildrenSnapshot();
        try
        {
            _actor = NewActor();
            _actor.AroundPostRestart(cause);
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e as ActorInitializationException
                ?? new ActorInitializationException($"Exception while restarting {Path} (actor type {_props.ActorType.FullName}): {e.Message}", e));
            return;
        }
        foreach (var survivor in survivors) survivor.SendSystemMessage(new RecreateMessage(cause));
    }
}
