using System.Net;
using QuicActors.Kernel;

namespace QuicActors.Streams;

/// <summary>
/// A small facade over a <see cref="ListenerActor"/>: its address, its bookkeeping, and a graceful stop. Made by
/// <see cref="QuicActorsEndpoint.ListenAsync"/>.
/// </summary>
/// <remarks>Disposing stops the listener with a zero grace period: connections close at once with code 0.</remarks>
public sealed class QuicListener : IAsyncDisposable
{
    private readonly ListenerSettings _settings;

    internal QuicListener(IActorRef actor, EndPoint localEndPoint, ListenerSettings settings)
    {
        Actor = actor;
        LocalEndPoint = localEndPoint;
        _settings = settings;
    }

    /// <summary>The listener actor; its children are the connection actors.</summary>
    public IActorRef Actor { get; }

    /// <summary>The bound address, with the actual port when 0 was asked for.</summary>
    public EndPoint LocalEndPoint { get; }

    /// <summary>A snapshot of the listener's bookkeeping.</summary>
    public Task<ListenerStatus> GetStatusAsync() => ListenerActor.GetStatusAsync(Actor);

    /// <summary>
    /// Stops accepting at once, lets each connection's streams finish for at most <paramref name="gracePeriod"/> (default
    /// <see cref="ListenerSettings.ShutdownGracePeriod"/>), closes every connection with code 0 and stops the actor.
    /// </summary>
    /// <returns><see langword="true"/> when everything stopped within the grace period plus the system's ask timeout.</returns>
    public Task<bool> StopAsync(TimeSpan? gracePeriod = null) => ListenerActor.StopAsync(Actor, gracePeriod ?? _settings.ShutdownGracePeriod);

    /// <summary>Stops with a zero grace period.</summary>
    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.Zero).ConfigureAwait(false);

    /// <inheritdoc/>
    public override string ToString() => $"QuicListener({LocalEndPoint})";
}
