namespace QuicActors.Transport.Events;

/// <summary>
/// The peer raised its cumulative stream limit for one direction (MAX_STREAMS, RFC 9000 §4.6, §19.11), or the handshake
/// set it. Opens waiting for credit proceed in order; <see cref="Available"/> is what is left after them.
/// </summary>
public sealed class StreamCreditGranted(StreamDirection direction, long maxStreams, long available) : EngineEvent
{
    /// <summary>The direction whose limit changed.</summary>
    public StreamDirection Direction { get; } = direction;

    /// <summary>The peer's cumulative limit: the total number of streams of this direction we may ever have opened.</summary>
    public long MaxStreams { get; } = maxStreams;

    /// <summary>How many more streams of this direction we may open now.</summary>
    public long Available { get; } = available;

    /// <inheritdoc />
    public override string ToString() => $"StreamCreditGranted({Direction}, max {MaxStreams}, available {Available})";
}
