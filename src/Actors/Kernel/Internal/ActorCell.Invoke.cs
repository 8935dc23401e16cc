using System.Runtime.CompilerServices;

namespace QuicActors.Kernel.Internal;

internal sealed partial class ActorCell
{
    /// <summary>Runs one user message; exceptions go to the caller, which fails the actor (see InvokeUserMessages).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Invoke(in Envelope envelope)
    {
        var message = envelope.Message;
        // Producers on other cores read this object's mailbox and status fields on every Tell: write the
        // current message and sender only when they change, so a steady stream from one sender (the common
        // case) does not invalidate that cache line on every message. They are cleared after the turn.
        if (!ReferenceEquals(_currentMessage, message)) _currentMessage = message;
        var sender = envelope.Sender;
        if (!ReferenceEquals(_currentSender, sender)) _currentSender = sender;
        if (message is AutoReceivedMessage auto) AutoReceive(auto);
        else _actor!.AroundReceive(_behavior, message);
        if (_extras is { ReceiveTimeout: not null } && message is not INotInfluenceReceiveTimeout) MarkActivity();
    }

    /// <summary>Forgets the last message and sender (an async handler keeps its own copy in the extras).</summary>
    private void ClearCurrentMessage()
    {
        _currentMessage = null;
        _currentSender = null;
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
            case DeliveryReceipt receipt:
                receipt.ReplyTo.Tell(receipt.Token, this);
                break;
            default:
                _actor!.AroundReceive(_behavior, message);
                break;
        }
    }
}
