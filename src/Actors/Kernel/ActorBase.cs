using QuicActors.Kernel.Internal;

namespace QuicActors.Kernel;

/// <summary>
/// The base of every actor. Instances are made only by the kernel, from <see cref="Props"/>, and are never
/// touched by two threads at once.
/// </summary>
public abstract class ActorBase
{
    private readonly ActorCell _cell;

    /// <summary>Binds the new instance to the actor being created.</summary>
    /// <exception cref="ActorInitializationException">The instance was not created through <c>ActorOf</c>.</exception>
    protected ActorBase()
    {
        _cell = ActorCell.TakeConstructingCell()
            ?? throw new ActorInitializationException(
                $"An actor of type {GetType().FullName} was created with 'new'; create actors with ActorOf(Props).");
    }

    internal ActorCell Cell => _cell;

    /// <summary>This actor's context.</summary>
    protected IActorContext Context => _cell;

    /// <summary>This actor's own ref.</summary>
    protected IActorRef Self => _cell;

    /// <summary>The sender of the current message (dead letters when there is none).</summary>
    protected IActorRef Sender => _cell.Sender;

    /// <summary>Handles one message; returns <see langword="false"/> when the message is not handled.</summary>
    protected abstract bool Receive(object message);

    /// <summary>Runs before the first message. Default: nothing.</summary>
    protected virtual void PreStart() { }

    /// <summary>Runs after the actor stopped (children are already stopped). Default: nothing.</summary>
    protected virtual void PostStop() { }

    /// <summary>
    /// Runs on the failed instance before a restart. Default: unwatch and stop every child, then
    /// <see cref="PostStop"/>.
    /// </summary>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in Context.Children)
        {
            Context.Unwatch(child);
            Context.Stop(child);
        }
        PostStop();
    }

    /// <summary>Runs on the new instance after a restart. Default: <see cref="PreStart"/>.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>
    /// Called for messages the behaviour did not handle. Default: an unhandled <see cref="Terminated"/> throws
    /// <see cref="DeathPactException"/>; anything else is published as <see cref="UnhandledMessage"/>.
    /// </summary>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated terminated) throw new DeathPactException(terminated.ActorRef);
        _cell.System.EventStream.Publish(new UnhandledMessage(message, _cell.CurrentSenderOrNull, _cell));
    }

    /// <summary>How this actor supervises its children. Default: <see cref="Kernel.SupervisorStrategy.DefaultStrategy"/>.</summary>
    protected virtual SupervisorStrategy SupervisorStrategy() => Kernel.SupervisorStrategy.DefaultStrategy;

    internal SupervisorStrategy SupervisorStrategyInternal => SupervisorStrategy();

    internal void AroundPreStart() => PreStart();

    internal void AroundPostStop() => PostStop();

    internal void AroundPreRestart(Exception reason, object? message) => PreRestart(reason, message);

    internal void AroundPostRestart(Exception reason) => PostRestart(reason);

    internal void AroundUnhandled(object message) => Unhandled(message);

    internal bool AroundReceive(Receive? behavior, object message)
    {
        var handled = behavior?.Invoke(message) ?? Receive(message);
        if (!handled) Unhandled(message);
        return handled;
    }
}
