using QuicActors.Kernel;
using QuicActors.Transport.Events;

namespace QuicActors.Streams.Internal;

/// <summary>
/// How one connection's event pump reaches a stream's actor without a hop through the connection actor: the route of
/// each live stream, by stream ID. A peer's stream gets its route from the pump when it reads
/// <see cref="PeerStreamOpened"/>, before the connection actor has spawned the actor: events of the stream that come in the
/// meantime wait in the route, and <see cref="Attach"/> hands them on in order before any later one. A local stream's
/// route is attached by the connection actor before anyone holds its handle. Events without a route of the pump's
/// generation (an unknown stream, or one of an earlier generation: 0-RTT rejection restarts stream IDs at 0) still go
/// to the connection actor.
/// </summary>
/// <remarks>
/// A plain dictionary of small structs under one lock, shared by the pump and the connection actor, rather than a route
/// object per stream in a concurrent dictionary: an idle stream must cost at most 2 KB per side, and an entry here costs
/// a few dozen bytes. Each side holds the lock for one lookup or update; the Tell to an attached actor happens outside it.
/// </remarks>
internal sealed class StreamRouteTable
{
    private readonly Dictionary<long, Route> _routes = [];

    /// <summary>Called by the pump for a peer's new stream: its events wait until <see cref="Attach"/>.</summary>
    public void AddWaiting(long streamId, int generation)
    {
        lock (_routes)
        {
            if (_routes.TryGetValue(streamId, out var earlier) && earlier.Target is List<StreamEvent> stranded)
            {
                // A stream of an earlier generation that never got its actor: the generation is gone, and its events with it.
                DisposeAll(stranded);
            }

            _routes[streamId] = new Route(null, generation);
        }
    }

    /// <summary>
    /// Called by the pump, in the engine's order: delivers <paramref name="streamEvent"/> through the route of
    /// <paramref name="generation"/>, or keeps it for <see cref="Attach"/>. False when there is no such route.
    /// </summary>
    public bool TryDeliver(StreamEvent streamEvent, int generation)
    {
        IActorRef actor;
        lock (_routes)
        {
            if (!_routes.TryGetValue(streamEvent.StreamId.Value, out var route) || route.Generation != generation)
            {
                return false;
            }

            switch (route.Target)
            {
                case IActorRef attached:
                    actor = attached;
                    break;
                case List<StreamEvent> waiting:
                    waiting.Add(streamEvent);
                    return true;
                default:
                    _routes[streamEvent.StreamId.Value] = route with { Target = new List<StreamEvent>(2) { streamEvent } };
                    return true;
            }
        }

        // Outside the lock: once a route is attached, its waiting events are already in the actor's mailbox.
        actor.Tell(streamEvent, ActorRefs.NoSender);
        return true;
    }

    /// <summary>
    /// Called by the connection actor once a stream's actor is spawned: the events waiting for it first (in order), then
    /// every later one straight from the pump.
    /// </summary>
    public void Attach(long streamId, int generation, IActorRef actor)
    {
        lock (_routes)
        {
            if (_routes.TryGetValue(streamId, out var route))
            {
                if (route.Generation > generation)
                {
                    // The pump has moved on to a later generation's stream of the same ID: this stream gets no route, and
                    // its events (if the engine still sends any) reach it through the connection actor.
                    return;
                }

                if (route.Generation == generation && route.Target is List<StreamEvent> waiting)
                {
                    foreach (var streamEvent in waiting)
                    {
                        actor.Tell(streamEvent, ActorRefs.NoSender);
                    }
                }
            }

            _routes[streamId] = new Route(actor, generation);
        }
    }

    /// <summary>Called by the connection actor for a peer's stream it did not accept: the route and its waiting events go.</summary>
    public void Discard(long streamId, int generation)
    {
        lock (_routes)
        {
            if (_routes.TryGetValue(streamId, out var route) && route.Generation == generation)
            {
                _routes.Remove(streamId);
                if (route.Target is List<StreamEvent> waiting)
                {
                    DisposeAll(waiting);
                }
            }
        }
    }

    /// <summary>Called by the connection actor when a stream's actor stopped: removes its route unless a later stream of the same ID took it.</summary>
    public void Remove(long streamId, IActorRef actor)
    {
        lock (_routes)
        {
            if (_routes.TryGetValue(streamId, out var route) && ReferenceEquals(route.Target, actor))
            {
                _routes.Remove(streamId);
            }
        }
    }

    private static void DisposeAll(List<StreamEvent> events)
    {
        foreach (var streamEvent in events)
        {
            (streamEvent as IDisposable)?.Dispose();
        }
    }

    /// <summary>Where a stream's events go: its actor (<see cref="IActorRef"/>), or, while it has none yet, nothing or the events waiting for it.</summary>
    private readonly record struct Route(object? Target, int Generation);
}
