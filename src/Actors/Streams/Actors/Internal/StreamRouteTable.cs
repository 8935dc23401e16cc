namespace QuicActors.Streams.Internal;

/// <summary>
/// One connection's <see cref="StreamRoute"/>s by stream ID, shared by its event pump (which adds the routes of the peer's
/// streams and looks routes up) and its connection actor (which adds the routes of local streams and removes a route when
/// its stream stops). A plain dictionary under a lock rather than a concurrent one: an entry costs a few bytes instead of a
/// node object per open stream, and each side holds the lock only for one lookup or update.
/// </summary>
internal sealed class StreamRouteTable
{
    private readonly Dictionary<long, StreamRoute> _routes = [];

    /// <summary>Routes to <paramref name="streamId"/> through <paramref name="route"/> from now on (replacing an earlier generation's).</summary>
    public void Set(long streamId, StreamRoute route)
    {
        lock (_routes)
        {
            _routes[streamId] = route;
        }
    }

    /// <summary>The route to <paramref name="streamId"/> for events of <paramref name="generation"/>, if there is one.</summary>
    public StreamRoute? Find(long streamId, int generation)
    {
        lock (_routes)
        {
            return _routes.TryGetValue(streamId, out var route) && route.Generation == generation ? route : null;
        }
    }

    /// <summary>Removes <paramref name="route"/>, unless a later route of the same stream ID replaced it.</summary>
    public void Remove(long streamId, StreamRoute route)
    {
        lock (_routes)
        {
            if (_routes.TryGetValue(streamId, out var current) && ReferenceEquals(current, route))
            {
                _routes.Remove(streamId);
            }
        }
    }
}
