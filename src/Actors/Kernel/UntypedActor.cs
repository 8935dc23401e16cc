namespace QuicActors.Kernel;

/// <summary>An actor with one method that gets every message; call <see cref="ActorBase.Unhandled"/> for the ones it ignores.</summary>
public abstract class UntypedActor : ActorBase
{
    /// <summary>Handles one message.</summary>
    protected abstract void OnReceive(object message);

    /// <inheritdoc />
    protected sealed override bool Receive(object message)
    {
        OnReceive(message);
        return true;
    }
}
