using QuicActors.Kernel;
using QuicActors.Streams.Internal;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>Plumbing for the public entry points: a generation tracker shared with a facade, and actor-style stream handlers.</summary>
public sealed partial class ConnectionActor
{
    /// <summary>Props whose actor counts generations with <paramref name="generations"/>, so a facade can read the current one without a message.</summary>
    internal static Props Props(IQuicEngineConnection connection, ConnectionActorSettings settings, GenerationTracker generations)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(generations);
        if (generations.ConnectionId != settings.ConnectionId)
        {
            throw new ArgumentException($"The generation tracker belongs to connection {generations.ConnectionId}, the settings name connection {settings.ConnectionId}.", nameof(generations));
        }

        return Kernel.Props.Create(() => new ConnectionActor(connection, settings, generations));
    }

    private void ReceiveApiMessages()
    {
        Receive<ReplacementQuery>(OnReplacementQuery);
    }

    /// <summary>
    /// Spawns the bridge that runs an actor-style handler for <paramref name="handle"/>. The bridge is a child of this
    /// actor but not watched: the slot follows the stream actor, and the bridge only releases the handle when it stops.
    /// </summary>
    private void SpawnHandlerActor(Props handlerProps, StreamHandle handle)
    {
        var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"handler-{handle.Stamp.Generation}-{handle.StreamId.Value}");
        Context.ActorOf(StreamHandlerBridge.Props(handle, handlerProps, _settings.HandlerFailureErrorCode, _settings.HandlerReadAheadBytes), name);
    }
}
