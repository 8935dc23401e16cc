namespace QuicActors.Streams;

/// <summary>How a <see cref="ListenerActor"/> runs the connections it accepts.</summary>
public sealed record ListenerSettings
{
    /// <summary>
    /// The settings of every accepted connection's <see cref="ConnectionActor"/>, with the user's stream handler
    /// (<see cref="ConnectionActorSettings.StreamHandler"/> or <see cref="ConnectionActorSettings.StreamHandlerProps"/>).
    /// <see cref="ConnectionActorSettings.ConnectionId"/> is ignored: each connection gets its own.
    /// </summary>
    public ConnectionActorSettings Connection { get; init; } = new();

    /// <summary>At most this many connections run at once; one more is closed with <see cref="RefusedConnectionErrorCode"/> as soon as it is accepted.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>The application error code (RFC 9000 §20.2) a connection over <see cref="MaxConnections"/>, or one accepted while stopping, is closed with.</summary>
    public long RefusedConnectionErrorCode { get; init; } = 0x102;

    /// <summary>
    /// How long <see cref="QuicListener.StopAsync"/> lets the streams of each connection finish (handlers return, the linger
    /// policy drains) before closing the connection anyway, when the caller gives no grace period.
    /// </summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a stopping listener checks whether a connection has no live stream left.</summary>
    public TimeSpan ShutdownPollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Connection, nameof(Connection));
        if (MaxConnections < 1)
        {
            throw new ArgumentException($"{nameof(ListenerSettings)}.{nameof(MaxConnections)} = {MaxConnections}: must be at least 1.", nameof(MaxConnections));
        }

        if (RefusedConnectionErrorCode is < 0 or > (1L << 62) - 1)
        {
            throw new ArgumentException($"{nameof(ListenerSettings)}.{nameof(RefusedConnectionErrorCode)} = {RefusedConnectionErrorCode}: must be in 0..2^62-1 (RFC 9000 §20.2).", nameof(RefusedConnectionErrorCode));
        }

        if (ShutdownGracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(ListenerSettings)}.{nameof(ShutdownGracePeriod)} = {ShutdownGracePeriod}: must not be negative.", nameof(ShutdownGracePeriod));
        }

        if (ShutdownPollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(ListenerSettings)}.{nameof(ShutdownPollInterval)} = {ShutdownPollInterval}: must be positive.", nameof(ShutdownPollInterval));
        }
    }
}
