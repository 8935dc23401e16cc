using QuicActors.Kernel.Internal;

namespace QuicActors.Kernel;

/// <summary>
/// An actor configured with typed handlers, tried in declaration order; the first whose type (and
/// predicate) matches handles the message. Async handlers keep the mailbox suspended until their task
/// completes, so handlers never overlap.
/// </summary>
public abstract class ReceiveActor : ActorBase
{
    private HandlerSet _initial = new();
    private HandlerSet? _configuring;

    /// <summary>Starts configuring the initial behaviour (call <c>Receive</c> in the constructor).</summary>
    protected ReceiveActor() => _configuring = _initial;

    private HandlerSet Configuring => _configuring
        ?? throw new InvalidOperationException(
            $"{GetType().Name}: handlers can be added only in the constructor or inside a Become(...) configuration callback.");

    /// <summary>Handles messages of type <typeparamref name="T"/> (that pass <paramref name="shouldHandle"/>, if given).</summary>
    protected void Receive<T>(Action<T> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Configuring.Add(new SyncHandler<T>(handler, shouldHandle));
    }

    /// <summary>Handles messages of type <typeparamref name="T"/> that pass <paramref name="shouldHandle"/>.</summary>
    protected void Receive<T>(Predicate<T> shouldHandle, Action<T> handler) => Receive(handler, shouldHandle);

    /// <summary>
    /// Handles messages of type <typeparamref name="T"/> asynchronously: no other message is processed until
    /// the returned task completes; a faulted task fails the actor like a thrown exception.
    /// </summary>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Configuring.Add(new AsyncHandler<T>(Cell, handler, shouldHandle));
    }

    /// <summary>Handles any message not handled by an earlier handler.</summary>
    protected void ReceiveAny(Action<object> handler) => Receive(handler);

    /// <summary>Async form of <see cref="ReceiveAny"/>.</summary>
    protected void ReceiveAnyAsync(Func<object, Task> handler) => ReceiveAsync(handler);

    /// <summary>Replaces the behaviour with the handlers that <paramref name="configure"/> declares.</summary>
    protected void Become(Action configure) => Context.Become(Build(configure));

    /// <summary>Pushes the handlers that <paramref name="configure"/> declares; <see cref="UnbecomeStacked"/> pops them.</summary>
    protected void BecomeStacked(Action configure) => Context.BecomeStacked(Build(configure));

    /// <summary>Returns to the behaviour before the last <see cref="BecomeStacked"/>.</summary>
    protected void UnbecomeStacked() => Context.UnbecomeStacked();

    private Receive Build(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var set = new HandlerSet();
        var previous = _configuring;
        _configuring = set;
        try { configure(); }
        finally { _configuring = previous; }
        return set.TryHandle;
    }

    /// <inheritdoc />
    protected sealed override bool Receive(object message)
    {
        // The constructor is over once the first message arrives: no more handlers for the initial behaviour.
        _configuring = null;
        return _initial.TryHandle(message);
    }
}
