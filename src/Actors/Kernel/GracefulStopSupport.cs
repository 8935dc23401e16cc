using QuicActors.Kernel.Internal;

namespace QuicActors.Kernel;

/// <summary>Stopping an actor and waiting for it.</summary>
public static class GracefulStopSupport
{
    /// <summary>Sends <see cref="PoisonPill"/> and completes with <see langword="true"/> after the actor's PostStop.</summary>
    public static Task<bool> GracefulStop(this IActorRef target, TimeSpan timeout) => target.GracefulStop(timeout, PoisonPill.Instance);

    /// <summary>
    /// Sends <paramref name="stopMessage"/> and completes with <see langword="true"/> once the actor has stopped
    /// (after its PostStop), or <see langword="false"/> if it has not within <paramref name="timeout"/> on the
    /// system's clock.
    /// </summary>
    public static async Task<bool> GracefulStop(this IActorRef target, TimeSpan timeout, object stopMessage)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(stopMessage);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        if (target is not InternalActorRef { SystemOrNull: { } system } internalTarget) return true;
        var promise = new PromiseActorRef(system);
        promise.StartTimeoutWithResult(timeout, false);
        internalTarget.SendSystemMessage(new WatchMessage(internalTarget, promise));
        target.Tell(stopMessage, null);
        return await promise.Task.ConfigureAwait(false) is Terminated;
    }
}
