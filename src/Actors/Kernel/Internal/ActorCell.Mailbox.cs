using System.Runtime.CompilerServices;
using QuicActors.Kernel.Internal.Dispatch;

namespace QuicActors.Kernel.Internal;

internal sealed partial class ActorCell : IThreadPoolWorkItem
{
    private const int StatusScheduled = 1;
    private const int StatusClosed = 2;

    private readonly int _throughput;
    private readonly MailboxDispatcher _dispatcher;
    private int _status;
    private MailboxQueue? _mailbox;
    private SystemMessage? _systemHead;

    /// <summary>The actor has terminated: its mailbox is closed for good.</summary>
    public bool IsTerminated => (Volatile.Read(ref _status) & StatusClosed) != 0;

    public override void Tell(object message, IActorRef? sender)
    {
        if (message is null) ThrowNullMessage();
        var mailbox = _mailbox ?? CreateMailbox();
        mailbox.Enqueue(new Envelope(message, sender));
        var status = Volatile.Read(ref _status);
        if (status == 0) Schedule();
        else if ((status & StatusClosed) != 0) DrainMailboxToDeadLetters();
    }

    [MethodImpl(MethodImplOptions.NoInlining), System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowNullMessage() => throw new ArgumentNullException("message", "A message must not be null.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private MailboxQueue CreateMailbox()
    {
        Interlocked.CompareExchange(ref _mailbox, new MailboxQueue(), null);
        return _mailbox;
    }

    public override void SendSystemMessage(SystemMessage message)
    {
        while (true)
        {
            var head = Volatile.Read(ref _systemHead);
            if (head is ClosedQueueMarker)
            {
                HandleSystemMessageAfterTermination(message);
                return;
            }
            message.Next = head;
            if (Interlocked.CompareExchange(ref _systemHead, message, head) == head) break;
        }
        Schedule();
    }

    private void Schedule()
    {
        var status = Volatile.Read(ref _status);
        while (status == 0)
        {
            var previous = Interlocked.CompareExchange(ref _status, StatusScheduled, 0);
            if (previous == 0)
            {
                _dispatcher.Schedule(this);
                return;
            }
            status = previous;
        }
    }

    /// <summary>One turn: all system messages, then up to throughput user messages, re-checking system messages after each.</summary>
    /// <remarks>
    /// When the mailbox runs dry and its worker has nothing else to run, the dispatcher may keep the turn
    /// open a few microseconds for the next message (<see cref="MailboxDispatcher.AwaitWork"/>): a sender that
    /// keeps up then finds the actor still scheduled and pays no wake-up.
    /// </remarks>
    public void Execute()
    {
        var previous = t_current;
        t_current = this;
        try
        {
            do
            {
                ProcessSystemMessages();
                if (CanProcessUserMessages)
                {
                    var left = _throughput;
                    while (InvokeUserMessages(ref left))
                    {
                        ClearCurrentMessage();
                        ProcessSystemMessages();
                        if (left == 0 || !CanProcessUserMessages) break;
                    }
                    ClearCurrentMessage();
                }
            }
            while ((Volatile.Read(ref _status) & StatusClosed) == 0 && !HasWorkToDo && _dispatcher.AwaitWork(this));
        }
        finally
        {
            t_current = previous;
        }
        // Work left over (throughput used up, or system messages that arrived late): requeue while still
        // holding the scheduled bit. Clearing it and winning it back would cost two interlocked operations
        // on the status word that every producer reads on each Tell, pulling that cache line away from them.
        if ((Volatile.Read(ref _status) & StatusClosed) == 0 && HasWorkToDo)
        {
            _dispatcher.Schedule(this);
            return;
        }
        Interlocked.And(ref _status, ~StatusScheduled);
        if (HasWorkToDo) Schedule();
    }

    /// <summary>
    /// Invokes user messages until the mailbox is empty, <paramref name="left"/> reaches zero, the actor may
    /// no longer process user messages, or a system message is waiting.
    /// </summary>
    /// <remarks>
    /// One exception handler for the whole run instead of one per message keeps the per-message call out of
    /// the loop (a method with a handler is not inlined). A failure suspends the actor, which ends the run
    /// just as it ended the loop before.
    /// </remarks>
    /// <returns>True when a system message is waiting (the caller processes it and may go on).</returns>
    private bool InvokeUserMessages(ref int left)
    {
        var remaining = left;
        try
        {
            while (TryDequeueUserMessage(out var envelope))
            {
                Invoke(envelope);
                remaining--;
                if (Volatile.Read(ref _systemHead) is not null) return true;
                if (remaining == 0 || !CanProcessUserMessages) return false;
            }
            return false;
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
            return Volatile.Read(ref _systemHead) is not null;
        }
        finally
        {
            left = remaining;
        }
    }

    /// <summary>System messages wait, or user messages the actor may process now.</summary>
    internal bool HasWorkToDo => HasPendingSystemMessages || (CanProcessUserMessages && HasUserMessages);

    private bool HasPendingSystemMessages => Volatile.Read(ref _systemHead) is { } head && head is not ClosedQueueMarker;

    private bool HasUserMessages => _extras?.Front is { Count: > 0 } || _mailbox is { IsEmpty: false };

    private bool TryDequeueUserMessage(out Envelope envelope)
    {
        if (_extras?.Front is { Count: > 0 } front)
        {
            envelope = front.Dequeue();
            return true;
        }
        var mailbox = _mailbox;
        if (mailbox is null)
        {
            envelope = default;
            return false;
        }
        return mailbox.TryDequeue(out envelope);
    }

    /// <summary>
    /// After termination nobody runs the actor's turns, so whoever finds messages in the closed mailbox
    /// drains it; the lock keeps the queue single-consumer.
    /// </summary>
    private void DrainMailboxToDeadLetters()
    {
        var mailbox = _mailbox;
        if (mailbox is null) return;
        lock (mailbox)
        {
            while (mailbox.TryDequeue(out var envelope)) DeadLetter(envelope);
        }
    }

    private void DeadLetter(in Envelope envelope)
    {
        var message = envelope.Message;
        if (message is TimerMessage or ReceiveTimeoutTick or WatchedActorTerminated) return;
        _system.PublishDeadLetter(message, envelope.Sender, this);
    }
}
