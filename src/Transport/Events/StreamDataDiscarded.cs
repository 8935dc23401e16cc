namespace QuicActors.Transport.Events;

/// <summary>
/// After our STOP_SENDING (RFC 9000 §3.5), the peer's data has ended at the engine and was discarded, so the receive half
/// can end although the peer sends no RESET_STREAM (it need not once its data is all acknowledged). Reported at most once
/// per stream, never after <see cref="PeerResetStream"/>, and nothing of the receive half follows it.
/// </summary>
/// <remarks>
/// Where the engine's stack keeps the rest to itself, <see cref="FinalSize"/> is null and the event says only that the
/// stack has finished the receive side, or will finish it by itself (see <see cref="IQuicEngineConnection.StopSending"/>).
/// </remarks>
public sealed class StreamDataDiscarded(QuicStreamId streamId, long? finalSize) : StreamEvent(streamId)
{
    /// <summary>The stream's final size (RFC 9000 §4.5) where the engine learns it; null where it cannot.</summary>
    public long? FinalSize { get; } = finalSize;

    /// <inheritdoc />
    public override string ToString() => $"StreamDataDiscarded({StreamId}, final size {(FinalSize is { } size ? size.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown")})";
}
