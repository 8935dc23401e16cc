namespace QuicActors.Kernel.Internal;

/// <summary>
/// A kernel-to-cell message. System messages form an intrusive list (<see cref="Next"/>), so queueing one
/// allocates nothing beyond the message, and they are processed before any user message.
/// </summary>
internal abstract class SystemMessage
{
    public SystemMessage? Next;
}

/// <summary>Marks a cell's system queue as closed after termination.</summary>
internal sealed class ClosedQueueMarker : SystemMessage
{
    public static readonly ClosedQueueMarker Instance = new();
}

internal sealed class CreateMessage : SystemMessage;

internal sealed class TerminateMessage : SystemMessage;

internal sealed class SuspendMessage : SystemMessage;

internal sealed class ResumeMessage : SystemMessage;

internal sealed class RecreateMessage(Exception cause) : SystemMessage
{
    public Exception Cause { get; } = cause;
}

internal sealed class FailedMessage(ActorCell child, Exception cause, long childUid, Type? messageType) : SystemMessage
{
    public ActorCell Child { get; } = child;
    public Exception Cause { get; } = cause;
    public long ChildUid { get; } = childUid;
    public Type? MessageType { get; } = messageType;
}

internal sealed class WatchMessage(InternalActorRef watchee, InternalActorRef watcher) : SystemMessage
{
    public InternalActorRef Watchee { get; } = watchee;
    public InternalActorRef Watcher { get; } = watcher;
}

internal sealed class UnwatchMessage(InternalActorRef watchee, InternalActorRef watcher) : SystemMessage
{
    public InternalActorRef Watchee { get; } = watchee;
    public InternalActorRef Watcher { get; } = watcher;
}

internal sealed class DeathWatchNotification(InternalActorRef actor, bool existenceConfirmed) : SystemMessage
{
    public InternalActorRef Actor { get; } = actor;
    public bool ExistenceConfirmed { get; } = existenceConfirmed;
}

internal sealed class ChildTerminatedMessage(ActorCell child) : SystemMessage
{
    public ActorCell Child { get; } = child;
}

internal sealed class AsyncHandlerCompleted(Task task) : SystemMessage
{
    public Task Task { get; } = task;
}

internal sealed class RunContinuation(SendOrPostCallback callback, object? state) : SystemMessage
{
    public SendOrPostCallback Callback { get; } = callback;
    public object? State { get; } = state;
}
