namespace QuicActors.Kernel;

/// <summary>Which threads run the turns of an actor's mailbox (<see cref="ActorSystemSettings.Dispatcher"/>, <see cref="Props.Dispatcher"/>).</summary>
public enum DispatcherKind
{
    /// <summary>
    /// One dedicated worker thread per core, each with its own run queue. An actor that a turn
    /// wakes (by a Tell or a system message) runs next on the same worker, so actors that talk to each other
    /// stay on one core and their mailboxes stay in its cache; an idle worker spins briefly, steals from a
    /// busy one, then parks. The work queued on a worker stuck in one turn for more than 10-20 ms is handed
    /// to the others, and when every worker has been stuck for a few ticks another worker is started, so a
    /// handler that blocks does not stall the rest (it still costs a thread, as on the thread pool). The default.
    /// </summary>
    Workers = 0,

    /// <summary>The .NET thread pool's global queue: every turn may run on any pool thread.</summary>
    ThreadPool = 1,
}
