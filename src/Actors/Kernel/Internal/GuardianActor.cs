namespace QuicActors.Kernel.Internal;

/// <summary>The parent of all top-level actors (<c>/user</c>); supervises them with the system's guardian strategy.</summary>
internal sealed class GuardianActor : ActorBase
{
    protected override bool Receive(object message) => false;

    protected override SupervisorStrategy SupervisorStrategy() => Context.System.Settings.GuardianSupervisorStrategy;
}
