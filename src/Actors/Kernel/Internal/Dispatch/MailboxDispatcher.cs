namespace QuicActors.Kernel.Internal.Dispatch;

/// <summary>Runs the turns of scheduled mailboxes (<see cref="ActorCell.Execute"/>) on some thread.</summary>
internal abstract class MailboxDispatcher
{
    /// <summary>The dispatcher of <paramref name="kind"/> (each is shared by every actor system in the process).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined <see cref="DispatcherKind"/>.</exception>
    public static MailboxDispatcher For(DispatcherKind kind) => kind switch
    {
        DispatcherKind.Workers => WorkerDispatcher.Shared,
        DispatcherKind.ThreadPool => ThreadPoolDispatcher.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Unknown dispatcher kind {kind}."),
    };

    /// <summary>
    /// Queues one turn of <paramref name="cell"/>. The caller holds the cell's scheduled bit, so the cell is
    /// queued at most once at a time.
    /// </summary>
    public abstract void Schedule(ActorCell cell);

    /// <summary>
    /// Called at the end of a turn of <paramref name="cell"/> that left its mailbox empty, on the turn's thread:
    /// true when work for the cell arrived while the dispatcher waited (the turn goes on), false to end it.
    /// </summary>
    public virtual bool AwaitWork(ActorCell cell) => false;

    /// <summary>
    /// On a turn's thread: the dispatcher has nothing else for this thread to run, so the turn may pause
    /// without delaying other actors. Always false where the thread is shared with other work (the thread pool).
    /// </summary>
    public virtual bool IsIdleOtherwise => false;

    /// <summary>
    /// On a turn's thread, when the turn has used up its throughput: true when nothing else waits for this
    /// thread, so the turn goes on as if it had been requeued and taken again (counted as a new turn), without
    /// the cost of the round trip through the queue. Always false on the thread pool.
    /// </summary>
    public virtual bool TryContinueTurn() => false;
}
