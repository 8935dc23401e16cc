namespace QuicActors.Streams.Internal;

/// <summary>A live stream of a connection actor: its actor, its handle and when it started (a timestamp of the actor's clock).</summary>
internal readonly record struct StreamEntry(StreamActor Stream, StreamHandle Handle, long StartedAt);
