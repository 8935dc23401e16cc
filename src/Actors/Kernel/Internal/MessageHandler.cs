namespace QuicActors.Kernel.Internal;

/// <summary>One typed handler of a <see cref="ReceiveActor"/>.</summary>
internal abstract class MessageHandler
{
    public abstract bool TryHandle(object message);

    /// <summary>Whether a message of runtime type <paramref name="messageType"/> can ever pass this handler's type test.</summary>
    public abstract bool CanAccept(Type messageType);
}

/// <summary>A synchronous handler for <typeparamref name="T"/>.</summary>
internal sealed class SyncHandler<T>(Action<T> handler, Predicate<T>? shouldHandle) : MessageHandler
{
    public override bool TryHandle(object message)
    {
        if (message is not T typed || (shouldHandle is not null && !shouldHandle(typed))) return false;
        handler(typed);
        return true;
    }

    public override bool CanAccept(Type messageType) => typeof(T).IsAssignableFrom(messageType);
}

/// <summary>An async handler for <typeparamref name="T"/>; the cell suspends the mailbox until the task ends.</summary>
internal sealed class AsyncHandler<T>(ActorCell cell, Func<T, Task> handler, Predicate<T>? shouldHandle) : MessageHandler
{
    public override bool TryHandle(object message)
    {
        if (message is not T typed || (shouldHandle is not null && !shouldHandle(typed))) return false;
        cell.RunAsyncHandler(handler, typed);
        return true;
    }

    public override bool CanAccept(Type messageType) => typeof(T).IsAssignableFrom(messageType);
}
