namespace QuicActors.Streams;

/// <summary>Sent by an actor-style stream handler: end the send half with FIN after the bytes already written (RFC 9000 §3.1).</summary>
public sealed class StreamCompleteWrites
{
    private StreamCompleteWrites()
    {
    }

    /// <summary>The one instance.</summary>
    public static StreamCompleteWrites Instance { get; } = new();
}
