using QuicActors.Kernel;
using QuicActors.Transport.Events;

namespace QuicActors.Streams.Internal;

/// <summary>
/// How the event pump reaches one stream's actor without a hop through the connection actor. A peer's stream gets its
/// route from the pump when it reads <see cref="PeerStreamOpened"/>, before the connection actor has spawned the stream
/// actor: events of the stream that come in the meantime wait here, and <see cref="Attach"/> hands them on in order before
/// any later one. A local stream's route is made attached, by the connection actor, before anyone holds its handle.
/// </summary>
/// <remarks>
/// Written by the pump (<see cref="Deliver"/>) and by the connection actor (<see cref="Attach"/>, <see cref="Discard"/>);
/// the lock is taken only while a peer's stream waits for its actor, so the steady path is one volatile read and a Tell.
/// The connection actor still sees every event that has no current route (an unknown stream, or one of an earlier
/// generation: 0-RTT rejection restarts stream IDs at 0).
/// </remarks>
internal sealed class StreamRoute
{
    private IActorRef? _actor;
    private List<StreamEvent>? _waiting;
    private bool _discarded;

    /// <summary>A route for a peer's stream, waiting for its actor; <paramref name="opened"/> is the event that made it.</summary>
    public StreamRoute(int generation, PeerStreamOpened opened)
    {
        Generation = generation;
        Opened = opened;
    }

    /// <summary>A route for a stream whose actor already runs.</summary>
    public StreamRoute(int generation, IActorRef actor)
    {
        Generation = generation;
        _actor = actor;
    }

    /// <summary>The generation the stream belongs to: the pump routes only streams of the generation it is in.</summary>
    public int Generation { get; }

    /// <summary>The peer's open that made this route; null once the connection actor has handled it, or for a local stream.</summary>
    public PeerStreamOpened? Opened { get; set; }

    /// <summary>Called by the pump, in the engine's order: straight to the actor once it runs, else kept for <see cref="Attach"/>.</summary>
    public void Deliver(StreamEvent streamEvent)
    {
        var actor = Volatile.Read(ref _actor);
        if (actor is null)
        {
            lock (this)
            {
                actor = _actor;
                if (actor is null)
                {
                    if (_discarded)
                    {
                        (streamEvent as IDisposable)?.Dispose();
                    }
                    else
                    {
                        (_waiting ??= new List<StreamEvent>(2)).Add(streamEvent);
                    }

                    return;
                }
            }
        }

        actor.Tell(streamEvent, ActorRefs.NoSender);
    }

    /// <summary>Called by the connection actor once the stream actor is spawned: the waiting events first, then every later one.</summary>
    public void Attach(IActorRef actor)
    {
        lock (this)
        {
            if (_waiting is { } waiting)
            {
                foreach (var streamEvent in waiting)
                {
                    actor.Tell(streamEvent, ActorRefs.NoSender);
                }

                _waiting = null;
            }

            Volatile.Write(ref _actor, actor);
        }
    }

    /// <summary>Called by the connection actor when the stream gets no actor (the ledger refused it): events are dropped from now on.</summary>
    public void Discard()
    {
        lock (this)
        {
            _discarded = true;
            if (_waiting is { } waiting)
            {
                foreach (var streamEvent in waiting)
                {
                    (streamEvent as IDisposable)?.Dispose();
                }

                _waiting = null;
            }
        }
    }
}
