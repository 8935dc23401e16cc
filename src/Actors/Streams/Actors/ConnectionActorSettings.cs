using QuicActors.Kernel;

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
    /// The actor-style handler: for each stream the peer opens, an actor made from these props receives the stream's data
    /// and state messages (<see cref="StreamOpened"/>, <see cref="StreamData"/>, <see cref="StreamStateChanged"/>, ...) and
    /// answers its sender with <see cref="StreamWrite"/>, <see cref="StreamCompleteWrites"/> or <see cref="StreamAbort"/>.
    /// Used when <see cref="StreamHandler"/> is null.
    /// </summary>
    public Props? StreamHandlerProps { get; init; }

    /// <summary>How long <see cref="QuicConnection.OpenStreamAsync"/> waits for the peer's stream credit when the caller gives no timeout.</summary>
    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What happens to the streams a client opened in 0-RTT when the server rejects early data (RFC 9001 §4.6.2).</summary>
    public EarlyDataReplayPolicy EarlyDataReplay { get; init; } = EarlyDataReplayPolicy.Fail;

    /// <summary>
    /// With <see cref="EarlyDataReplayPolicy.Replay"/>, at most this many bytes written in 0-RTT are kept, over all early
    /// streams of the connection, for re-sending; an early stream whose bytes do not fit is not replayed.
    /// </summary>
    public long EarlyDataReplayMaxBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// A stream still alive this long after it opened is reported (a warning in the log, and a <see cref="LeakReport"/>
    /// on the actor system's event stream), again at each further multiple; null turns the leak detector off.
    /// </summary>
    public TimeSpan? LeakDeadline { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The code both directions of a stream are aborted with when its <see cref="StreamHandler"/> throws.</summary>
    public long HandlerFailureErrorCode { get; init; } = 0x101;

    /// <summary>
    /// For an actor-style handler (<see cref="StreamHandlerProps"/>): at most this many bytes of <see cref="StreamData"/> wait
    /// in the handler's mailbox, not yet handled. Reading stops at the bound, so the stream's bytes are not consumed and the
    /// peer is held back by flow control (RFC 9000 §4.1) until the handler catches up. Default 64 KiB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public long HandlerReadAheadBytes
    {
        get => _handlerReadAheadBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(HandlerReadAheadBytes));
            _handlerReadAheadBytes = value;
        }
    }

    private readonly long _handlerReadAheadBytes = 64 * 1024;
}
