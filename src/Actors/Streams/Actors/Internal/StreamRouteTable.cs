using System.Diagnostics.CodeAnalysis;
using QuicActors.Kernel;
using QuicActors.Transport.Events;

namespace QuicActors.Streams.Internal;

/// <summary>
/// A connection actor's live streams by stream ID, which are also the routes its event pump takes to reach a stream's
/// actor without a hop through the connection actor. A peer's stream gets a waiting route from the pump when it reads
/// <see cref="PeerStreamOpened"/>, before the connection actor has spawned the actor: events of the stream that come in
/// the meantime wait there, and <see cref="Add"/> hands them on in order before any later one. Events without a route of
/// the pump's generation (an unknown stream, or one of an earlier generation: 0-RTT rejection restarts stream IDs at 0)
/// still go to the connection actor.
/// </summary>
/// <remarks>
/// Only the connection actor changes the streams, under the lock; it reads them without it (it is the only writer). The
/// pump reads under the lock. One dictionary for both uses, rather than a route per stream beside the actor's own map:
/// an idle stream must cost at most 2 KB per side, and a second entry per stream cost about 55 bytes.
/// </remarks>
internal sealed class StreamRouteTable
{
    private readonly Dictionary<long, StreamEntry> _streams = [];
    private readonly Dictionary<long, WaitingRoute> _waiting = [];

    /// <summary>The live streams (read on the connection actor's thread only).</summary>
    public Dictionary<long, StreamEntry>.ValueCollection Values => _streams.Values;

    /// <summary>How many streams are live.</summary>
    public int Count => _streams.Count;

    /// <summary>The live stream <paramref name="streamId"/> (read on the connection actor's thread only).</summary>
    public bool TryGetValue(long streamId, [MaybeNullWhen(false)] out StreamEntry entry) => _streams.TryGetValue(streamId, out entry);

    /// <summary>
    /// Called by the connection actor once a stream's actor is spawned (its handle already told): the events waiting for
    /// it first, in order, then every later one straight from the pump.
    /// </summary>
    /// <exception cref="ArgumentException">A stream of that ID is live already.</exception>
    public void Add(long streamId, StreamEntry entry)
    {
        lock (_streams)
        {
            _streams.Add(streamId, entry);
            if (_waiting.TryGetValue(streamId, out var waiting) && waiting.Generation == entry.Handle.Stamp.Generation)
            {
                _waiting.Remove(streamId);
                if (waiting.Events is { } events)
                {
                    foreach (var streamEvent in events)
                    {
                        entry.Actor.Tell(streamEvent, ActorRefs.NoSender);
                    }
                }
            }
        }
    }

    /// <summary>Called by the connection actor when a stream ended.</summary>
    public bool Remove(long streamId)
    {
        lock (_streams)
        {
            return _streams.Remove(streamId);
        }
    }

    /// <summary>Called by the connection actor when every live stream ends at once (its generation, or the actor itself).</summary>
    public void Clear()
    {
        lock (_streams)
        {
            _streams.Clear();
        }
    }

    /// <summary>Called by the pump for a peer's new stream: its events wait until <see cref="Add"/>.</summary>
    public void AddWaiting(long streamId, int generation)
    {
        lock (_streams)
        {
            if (_waiting.TryGetValue(streamId, out var earlier) && earlier.Events is { } stranded)
            {
                // A stream of an earlier generation that never got its actor: the generation is gone, and its events with it.
                DisposeAll(stranded);
            }

            _waiting[streamId] = new WaitingRoute(null, generation);
        }
    }

    /// <summary>Called by the connection actor for a peer's stream it did not accept: its waiting events go.</summary>
    public void Discard(long streamId, int generation)
    {
        lock (_streams)
        {
            if (_waiting.TryGetValue(streamId, out var waiting) && waiting.Generation == generation)
            {
                _waiting.Remove(streamId);
                if (waiting.Events is { } events)
                {
                    DisposeAll(events);
                }
            }
        }
    }

    /// <summary>
    /// Called by the pump, in the engine's order: delivers <paramref name="streamEvent"/> to the actor of its stream of
    /// <paramref name="generation"/>, or keeps it until that actor is added. False when the stream has no such route.
    /// </summary>
    public bool TryDeliver(StreamEvent streamEvent, int generation)
    {
        var streamId = streamEvent.StreamId.Value;
        IActorRef actor;
        lock (_streams)
        {
            if (_streams.TryGetValue(streamId, out var entry) && entry.Handle.Stamp.Generation == generation)
            {
                actor = entry.Actor;
            }
            else if (_waiting.TryGetValue(streamId, out var waiting) && waiting.Generation == generation)
            {
                if (waiting.Events is { } events)
                {
                    events.Add(streamEvent);
                }
                else
                {
                    _waiting[streamId] = waiting with { Events = [streamEvent] };
                }

                return true;
            }
            else
            {
                return false;
            }
        }

        // Outside the lock: once a stream is added, the events that waited for it are already in its actor's mailbox.
        actor.Tell(streamEvent, ActorRefs.NoSender);
        return true;
    }

    private static void DisposeAll(List<StreamEvent> events)
    {
        foreach (var streamEvent in events)
        {
            (streamEvent as IDisposable)?.Dispose();
        }
    }

    /// <summary>A peer's stream the pump has seen opened and the connection actor has not spawned yet, with the events that came meanwhile.</summary>
    private readonly record struct WaitingRoute(List<StreamEvent>? Events, int Generation);
}
