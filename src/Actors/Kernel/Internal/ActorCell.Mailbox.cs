using System.Diagnostics;
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

    /// <summary>The user-message queue, if one was ever needed (tests look at its segment size).</summary>
    internal MailboxQueue? MailboxForTests => _mailbox;

    /// <summary>The actor has terminated: its mailbox is closed for good.</summary>
    public bool IsTerminated => (Volatile.Read(ref _status) & StatusClosed) != 0;

    public override void Tell(object message, IActorRef? sender)
    {
        if (message is null) ThrowNullMessage();
        var mailbox = _mailbox ?? CreateMailbox();
        var envelope = new Envelope(message, sender);
        if (!mailbox.TryEnqueue(envelope)) EnqueueAfterRetirement(envelope);
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
        return _mailbox ?? CreateMailbox();
    }

    /// <summary>
    /// The queue this producer read was retired by an idle sweep (<see cref="TryReleaseIdleMailbox"/>): it is
    /// empty and closed for good, so the message goes into the cell's next queue, which this producer creates
    /// unless another producer already has.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnqueueAfterRetirement(in Envelope envelope)
    {
        while (true)
        {
            var current = Volatile.Read(ref _mailbox);
            if (current is null || current.IsRetired)
            {
                Interlocked.CompareExchange(ref _mailbox, new MailboxQueue(), current);
                continue;
            }

            if (current.TryEnqueue(envelope)) return;
        }
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

    /// <summary>
    /// A consumer that took this many messages without finding its queue empty is reading a stream that a
    /// producer on another core keeps filling (see <see cref="LetProducersGetAhead"/>).
    /// </summary>
    private const int StreamRun = 32;

    /// <summary>How many messages a streaming consumer lets accumulate before it reads on.</summary>
    private const int StreamBatch = 256;

    /// <summary>
    /// Spin iterations between two looks at the producers' tail while a streaming consumer waits for a batch:
    /// <c>Thread.SpinWait(100)</c> took about 4 µs on the development machine, so a 256-message batch at about
    /// 30 M msg/s (8 µs) costs the producer two or three misses on the tail instead of ten (20 iterations).
    /// </summary>
    private const int StreamPollSpins = 100;

    /// <summary>The longest a streaming consumer waits for <see cref="StreamBatch"/> messages.</summary>
    private static readonly long StreamBatchWaitTicks = Stopwatch.Frequency / 50_000; // 20 µs

    /// <summary>One turn: all system messages, then up to throughput user messages, re-checking system messages after each.</summary>
    /// <remarks>
    /// When the mailbox runs dry and its worker has nothing else to run, the dispatcher may keep the turn
    /// open a few microseconds for the next message (<see cref="MailboxDispatcher.AwaitWork"/>): a sender that
    /// keeps up then finds the actor still scheduled and pays no wake-up. A turn that catches up with a
    /// producer streaming to it from another core waits for a batch instead of taking each message as it is
    /// written (<see cref="LetProducersGetAhead"/>).
    /// </remarks>
    public void Execute()
    {
        var previous = t_current;
        t_current = this;
        try
        {
            var left = _throughput;
            var spinner = default(SpinWait);
            while (true)
            {
                ProcessSystemMessages();
                if (CanProcessUserMessages)
                {
                    while (InvokeUserMessages(ref left))
                    {
                        ClearCurrentMessage();
                        ProcessSystemMessages();
                        if (left == 0 || !CanProcessUserMessages) break;
                    }
                    ClearCurrentMessage();
                    if (left == 0)
                    {
                        // Nothing else waits for this thread: go on rather than requeue and take the cell again.
                        if (!_dispatcher.TryContinueTurn()) break;
                        left = _throughput;
                        continue;
                    }
                }
                if ((Volatile.Read(ref _status) & StatusClosed) != 0) break;
                var mailbox = _mailbox;
                var streaming = mailbox is not null && mailbox.TakenCount >= StreamRun;
                if (HasWorkToDo)
                {
                    // A system message, or a user message that a producer has reserved and not written yet:
                    // the consumer has caught up with a producer.
                    if (!HasPendingSystemMessages)
                    {
                        if (streaming) LetProducersGetAhead(mailbox!, ref left);
                        // The producer may have been preempted between its reservation and its write: back
                        // off (yielding after a few rounds) instead of spinning on its slot.
                        else spinner.SpinOnce(sleep1Threshold: -1);
                    }
                    continue;
                }
                mailbox?.ResetTakenCount();
                if (!_dispatcher.AwaitWork(this)) break;
                left = _throughput;
                if (streaming) LetProducersGetAhead(mailbox!, ref left);
            }
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
    /// The consumer caught up with a producer that is streaming to it from another core. Reading on at once
    /// would take every message as soon as it is written, pulling the cache lines the producer is writing
    /// (the tail, the slot) over to this core for each one, which costs the producer a miss per message
    /// (tell ran at a third of its one-core speed on two cores). When the dispatcher has nothing else for
    /// this thread, wait instead until a batch has accumulated (or a few microseconds passed), so the lines
    /// travel once per batch.
    /// </summary>
    private void LetProducersGetAhead(MailboxQueue mailbox, ref int left)
    {
        mailbox.ResetTakenCount();
        var deadline = Stopwatch.GetTimestamp() + StreamBatchWaitTicks;
        var polls = 0;
        // The wait pauses on its own rather than through AwaitWork: that one looks at the mailbox (the
        // producers' tail) after every short pause, and each look takes the tail's cache line away from the
        // producer, whose next reservation then misses. Here the tail is read once per StreamPollSpins.
        // A pause in which nothing arrived ends the wait: the stream has stopped, and the turn goes on to AwaitWork
        // and ends as usual.
        while (!mailbox.HasBatch(StreamBatch) && !HasPendingSystemMessages && _dispatcher.IsIdleOtherwise)
        {
            left = _throughput;
            // A yield now and then: on a machine with more threads than cores the producer may need this core.
            if ((++polls & 3) == 0) Thread.Yield();
            else Thread.SpinWait(StreamPollSpins);
            if (mailbox.IsEmpty || Stopwatch.GetTimestamp() >= deadline) break;
        }
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
        if (message is TimerMessage or ReceiveTimeoutTick or WatchedActorTerminated or DeliveryReceipt) return;
        _system.PublishDeadLetter(message, envelope.Sender, this);
    }
}
