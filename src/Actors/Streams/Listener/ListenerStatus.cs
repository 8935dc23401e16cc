namespace QuicActors.Streams;

/// <summary>A snapshot of a <see cref="ListenerActor"/>'s bookkeeping.</summary>
/// <param name="Accepting">Whether it still accepts connections (false once stopping began or the engine listener ended).</param>
/// <param name="Accepted">Connections accepted and run so far.</param>
/// <param name="Refused">Connections closed at once because of <see cref="ListenerSettings.MaxConnections"/> or a stop in progress.</param>
/// <param name="LiveConnections">Connection actors alive now.</param>
public sealed record ListenerStatus(bool Accepting, long Accepted, long Refused, int LiveConnections);
