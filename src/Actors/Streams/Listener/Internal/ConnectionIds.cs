namespace QuicActors.Streams.Internal;

/// <summary>Hands out connection IDs for handle stamps, unique in the process, for connections whose settings leave the ID at 0.</summary>
internal static class ConnectionIds
{
    // Counts down from the top so allocated IDs cannot collide with small IDs that callers choose themselves.
    private static long _next = long.MaxValue;

    public static long Next() => Interlocked.Decrement(ref _next) + 1;

    public static ConnectionActorSettings WithId(ConnectionActorSettings settings) =>
        settings.ConnectionId != 0 ? settings : settings with { ConnectionId = Next() };
}
