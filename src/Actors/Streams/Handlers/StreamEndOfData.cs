namespace QuicActors.Streams;

/// <summary>The peer's FIN was read: every byte of the stream was delivered as <see cref="StreamData"/> (RFC 9000 §3.2, Data Read).</summary>
public sealed class StreamEndOfData
{
    private StreamEndOfData()
    {
    }

    /// <summary>The one instance.</summary>
    public static StreamEndOfData Instance { get; } = new();
}
