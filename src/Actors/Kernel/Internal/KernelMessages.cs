namespace QuicActors.Kernel.Internal;

/// <summary>A timer's message in flight; delivered only if its timer is still the current one for the key.</summary>
internal sealed class TimerMessage(object key, int generation, object message) : AutoReceivedMessage
{
    public object Key { get; } = key;
    public int Generation { get; } = generation;
    public object Message { get; } = message;
}

/// <summary>A death-watch <see cref="Terminated"/> queued by the kernel (a user-sent Terminated is an ordinary message).</summary>
internal sealed class WatchedActorTerminated(Terminated terminated) : AutoReceivedMessage, INotInfluenceReceiveTimeout
{
    public Terminated Terminated { get; } = terminated;
}

/// <summary>
/// Asks the cell that dequeues it to tell <see cref="Token"/> to <see cref="ReplyTo"/>. Messages between one sender and one
/// receiver keep their order, so when the token arrives every message the sender told before the receipt has been handled
/// (or stashed): a producer can bound what waits in a consumer's mailbox without the consumer's cooperation. The actor's
/// behaviour never sees it; sent to a stopped actor it is dropped quietly.
/// </summary>
internal sealed class DeliveryReceipt(IActorRef replyTo, object token) : AutoReceivedMessage, INotInfluenceReceiveTimeout
{
    public IActorRef ReplyTo { get; } = replyTo;
    public object Token { get; } = token;
}

/// <summary>The receive-timeout timer fired; the cell checks whether the actor really was idle that long.</summary>
internal sealed class ReceiveTimeoutTick : AutoReceivedMessage, INotInfluenceReceiveTimeout
{
    public static readonly ReceiveTimeoutTick Instance = new();
}
