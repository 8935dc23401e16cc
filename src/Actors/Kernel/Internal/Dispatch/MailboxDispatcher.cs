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
}
