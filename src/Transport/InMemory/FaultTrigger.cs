namespace QuicActors.Transport.InMemory;

/// <summary>When a <see cref="FaultInjection"/> fires, seen from the acting endpoint.</summary>
public abstract record FaultTrigger
{
    private protected FaultTrigger() { }

    internal abstract void Validate(string source);

    /// <summary>When the byte number <paramref name="ByteCount"/> (counting from 1) of <paramref name="StreamId"/> has arrived at the actor.</summary>
    /// <param name="StreamId">The stream.</param>
    /// <param name="ByteCount">How many bytes of the stream (by offset) must have arrived; at least 1.</param>
    public sealed record StreamBytesReceived(QuicStreamId StreamId, long ByteCount) : FaultTrigger
    {
        internal override void Validate(string source)
        {
            if (ByteCount < 1) throw new ArgumentException($"{source}.{nameof(ByteCount)} = {ByteCount}: must be at least 1.", source);
        }
    }

    /// <summary>Right after the actor has processed its <paramref name="Count"/>th frame (counting from 1, handshake frames included).</summary>
    /// <param name="Count">The frame number; at least 1.</param>
    public sealed record FramesReceived(long Count) : FaultTrigger
    {
        internal override void Validate(string source)
        {
            if (Count < 1) throw new ArgumentException($"{source}.{nameof(Count)} = {Count}: must be at least 1.", source);
        }
    }

    /// <summary>When <paramref name="SinceConnect"/> has passed on the engine's clock since the client called <c>ConnectAsync</c>.</summary>
    /// <param name="SinceConnect">The delay; not negative.</param>
    public sealed record AtTime(TimeSpan SinceConnect) : FaultTrigger
    {
        internal override void Validate(string source)
        {
            if (SinceConnect < TimeSpan.Zero) throw new ArgumentException($"{source}.{nameof(SinceConnect)} = {SinceConnect}: must not be negative.", source);
        }
    }

    /// <summary>When the actor processes the peer's handshake (the server its ClientHello, the client its ServerHello).</summary>
    public sealed record AtHandshake : FaultTrigger
    {
        internal override void Validate(string source) { }
    }
}
