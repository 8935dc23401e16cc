namespace QuicActors.Kernel.Internal;

internal sealed partial class ActorCell
{
    private void Invoke(Envelope envelope)
    {
        var message = envelope.Message;
        _currentMessage = message;
        _currentSender = envelope.Sender;
        try
        {
            if (message is AutoReceivedMessage auto) AutoReceive(auto);
            else _actor!.AroundReceive(_behavior, message);
            if (_extras is { ReceiveTimeout: not null } && message is not INotInfluenceReceiveTimeout) MarkActivity();
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
        finally
        {
            if ((_flags & FlagAwaitingAsync) == 0)
            {
                _currentMessage = null;
                _currentSender = null;
            }
        }
    }

    private void AutoReceive(AutoReceivedMessage message)
    {
        switch (message)
        {
            case PoisonPill:
                SendSystemMessage(new TerminateMessage());
                break;
            case Kill:
                throw new ActorKilledException($"Kill message received by {Path}");
            case WatchedActorTerminated watched:
                DeliverTerminated(watched.Terminated);
                break;
            case TimerMessage timerMessage:
                if (_extras?.Timers?.Accept(timerMessage) is { } timed)
                {
                    _currentMessage = timed;
                    _currentSender = null;
                    if (timed is AutoReceivedMessage autoTimed) AutoReceive(autoTimed);
                    else _actor!.AroundReceive(_behavior, timed);
                }
                break;
            case ReceiveTimeoutTick:
                CheckReceiveTimeout();
                break;
            default:
                _actor!.AroundReceive(_behavior, message);
                break;
        }
    }
}
