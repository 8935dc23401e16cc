namespace QuicActors.Streams;

/// <summary>Publication and datagram settings.</summary>
public sealed partial record ConnectionActorSettings
{
    private readonly int _datagramQueueCapacity = 64;

    /// <summary>
    /// Called on the connection actor's thread with every half-state transition of the connection's streams, once each
    /// (invariant 3). Must not block. An exception it throws is logged and does not stop the connection.
    /// </summary>
    public Action<StreamTransition>? OnTransition { get; init; }

    /// <summary>The instruments the connection records to; <see cref="QuicActorsMetrics.Shared"/> by default.</summary>
    public QuicActorsMetrics Metrics { get; init; } = QuicActorsMetrics.Shared;

    /// <summary>
    /// The Serilog logger for the connection's events; null uses the actor system's log. Transition events (Debug) carry
    /// <c>ConnectionId</c>, <c>Generation</c>, <c>StreamId</c>, <c>Half</c>, <c>State</c>, <c>FromState</c>, <c>Cause</c> and
    /// <c>ErrorCode</c> as structured properties.
    /// </summary>
    public Serilog.ILogger? Logger { get; init; }

    /// <summary>
    /// Bind a datagram flow (RFC 9297 §2) to every client-initiated bidirectional stream, so
    /// <see cref="StreamHandle.SendDatagramAsync"/> and <see cref="StreamHandle.ReadDatagramAsync"/> work on it. The engine
    /// connection must have negotiated datagrams (RFC 9221) for sends to succeed. Off by default: received datagrams are
    /// then dropped.
    /// </summary>
    public bool DatagramFlows { get; init; }

    /// <summary>
    /// How many received datagrams each flow queues for the application before further ones are dropped and counted; also
    /// how many datagrams the connection holds for peer streams whose first frame has not arrived yet.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public int DatagramQueueCapacity
    {
        get => _datagramQueueCapacity;
        init => _datagramQueueCapacity = value > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(DatagramQueueCapacity), value, "The datagram queue capacity of a flow must be at least 1.");
    }
}
