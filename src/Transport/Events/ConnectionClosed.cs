namespace QuicActors.Transport.Events;

/// <summary>
/// The connection ended (RFC 9000 §10). Always the last event; every stream that was still open is gone with it,
/// and every pending operation has failed with <see cref="QuicTransportError.ConnectionClosed"/>.
/// </summary>
public sealed class ConnectionClosed(ConnectionCloseInfo close) : EngineEvent
{
    /// <summary>Who ended the connection, with which code and reason.</summary>
    public ConnectionCloseInfo Close { get; } = close;

    /// <inheritdoc />
    public override string ToString() => $"ConnectionClosed({Close})";
}
