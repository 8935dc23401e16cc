namespace QuicActors.Streams;

/// <summary>
/// The last message an actor-style stream handler receives: both halves are terminal and the stream actor stopped. The
/// handler is stopped right after it.
/// </summary>
public sealed class StreamClosed
{
    private StreamClosed()
    {
    }

    /// <summary>The one instance.</summary>
    public static StreamClosed Instance { get; } = new();
}
