namespace QuicActors.Kernel.Internal;

/// <summary>
/// Captured by awaits inside an async handler: continuations are posted back to the actor as system
/// messages, so they run one at a time, with <see cref="ActorBase.Context"/> valid, while user messages wait.
/// </summary>
internal sealed class ActorSynchronizationContext(ActorCell cell) : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) => cell.SendSystemMessage(new RunContinuation(d, state));

    public override SynchronizationContext CreateCopy() => this;
}
