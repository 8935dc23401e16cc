namespace QuicActors.Streams.Internal;

/// <summary>A live stream of a connection actor: its actor and when it started (a timestamp of the actor's clock).</summary>
internal readonly record struct StreamEntry(StreamActor Stream, long StartedAt)
{
    /// <summary>The stream's handle.</summary>
    public StreamHandle Handle => Stream.Handle;
}
