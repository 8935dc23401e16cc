namespace QuicActors.Hosting;

/// <summary>How a hosted listener wound down on host stop.</summary>
/// <param name="StreamsDrained">Whether every stream ended (handlers returned, the linger policy finished its halves) within the shutdown timeout.</param>
/// <param name="StreamsCutByClose">Streams still alive when the timeout passed and the connections were closed.</param>
/// <param name="ConnectionsClosed">Connections closed by the shutdown.</param>
/// <param name="Elapsed">How long the shutdown took.</param>
public sealed record QuicListenerShutdown(bool StreamsDrained, int StreamsCutByClose, int ConnectionsClosed, TimeSpan Elapsed);
