namespace QuicActors.Kernel.Internal.Dispatch;

/// <summary>Turns run on the .NET thread pool, queued on its global queue.</summary>
/// <remarks>
/// The global queue rather than the calling worker's local one: with <c>preferLocal</c> the pool still
/// wakes another worker for every item, which then steals it, and latency-bound exchanges (one message
/// bouncing between two actors) bounce between cores (see KERNEL.md).
/// </remarks>
internal sealed class ThreadPoolDispatcher : MailboxDispatcher
{
    public static readonly ThreadPoolDispatcher Instance = new();

    private ThreadPoolDispatcher()
    {
    }

    public override void Schedule(ActorCell cell) => ThreadPool.UnsafeQueueUserWorkItem(cell, preferLocal: false);
}
