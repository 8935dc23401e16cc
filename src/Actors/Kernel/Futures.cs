using QuicActors.Kernel.Internal;

namespace QuicActors.Kernel;

/// <summary>Request-response with actors.</summary>
public static class Futures
{
    /// <summary>
    /// Tells <paramref name="message"/> with a temporary sender and completes with the first reply. A
    /// <see cref="Status.Failure"/> reply faults the task with its cause; no reply within the timeout
    /// (default <see cref="ActorSystemSettings.DefaultAskTimeout"/>, on the system's clock) faults it with
    /// <see cref="AskTimeoutException"/>; a reply of another type faults it with <see cref="InvalidCastException"/>.
    /// </summary>
    public static async Task<T> Ask<T>(this IActorRef receiver, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        var system = (receiver as InternalActorRef)?.SystemOrNull
            ?? throw new ArgumentException($"Cannot ask {receiver}: it does not belong to an actor system.", nameof(receiver));
        var limit = timeout ?? system.Settings.DefaultAskTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero, nameof(timeout));
        var promise = new PromiseActorRef(system);
        promise.StartTimeout(limit, () => new AskTimeoutException(
            $"Ask timed out on [{receiver.Path}] after [{limit}] waiting for a reply to a message of type {message.GetType().FullName}."));
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static s => ((PromiseActorRef)s!).Cancel(), promise)
            : default;
        receiver.Tell(message, promise);
        var reply = await promise.Task.ConfigureAwait(false);
        return reply switch
        {
            T typed => typed,
            null when default(T) is null => default!,
            _ => throw new InvalidCastException(
                $"Ask to [{receiver.Path}] expected a reply of type {typeof(T).FullName} but got {reply?.GetType().FullName ?? "null"}."),
        };
    }

    /// <summary>Untyped form of <see cref="Ask{T}"/>.</summary>
    public static Task<object> Ask(this IActorRef receiver, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => receiver.Ask<object>(message, timeout, cancellationToken);
}
