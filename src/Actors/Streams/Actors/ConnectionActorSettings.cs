namespace QuicActors.Streams;

/// <summary>How a <see cref="ConnectionActor"/> runs its streams.</summary>
public sealed partial record ConnectionActorSettings
{
    /// <summary>Identifies the connection in handle stamps; unique per process.</summary>
    public long ConnectionId { get; init; }

    /// <summary>
    /// Our MAX_STREAMS for the peer's bidirectional streams (RFC 9000 §4.6): must equal the engine's configured
    /// <c>MaxInboundBidirectionalStreams</c> so the ledger and the engine count the same slots.
    /// </summary>
    public long InboundBidirectionalLimit { get; init; } = 100;

    /// <summary>Our MAX_STREAMS for the peer's unidirectional streams; must equal the engine's setting.</summary>
    public long InboundUnidirectionalLimit { get; init; } = 100;

    /// <summary>
    /// The peer's bidirectional MAX_STREAMS known before the handshake completes: for 0-RTT, the limit remembered with
    /// the resumption ticket (RFC 9000 §7.4.1). 0 makes local opens wait for the handshake.
    /// </summary>
    public long InitialOutboundBidirectionalCredit { get; init; }

    /// <summary>The peer's unidirectional MAX_STREAMS known before the handshake completes (0-RTT); see <see cref="InitialOutboundBidirectionalCredit"/>.</summary>
    public long InitialOutboundUnidirectionalCredit { get; init; }

    /// <summary>What happens to a stream the application let go of with a half not terminal.</summary>
    public LingerPolicy Linger { get; init; } = LingerPolicy.Default;

    /// <summary>Run for each stream the peer opens; returning releases the stream to <see cref="Linger"/>. Null: peer streams are released at once.</summary>
    public Func<StreamHandle, CancellationToken, Task>? StreamHandler { get; init; }

    /// <summary>
    /// A stream still alive this long after it opened is reported (a warning in the log, and a <see cref="LeakReport"/>
    /// on the actor system's event stream), again at each further multiple; null turns the leak detector off.
    /// </summary>
    public TimeSpan? LeakDeadline { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The code both directions of a stream are aborted with when its <see cref="StreamHandler"/> throws.</summary>
    public long HandlerFailureErrorCode { get; init; } = 0x101;
}
