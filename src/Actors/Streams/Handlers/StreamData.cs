namespace QuicActors.Streams;

/// <summary>
/// Bytes read from the stream, in order, for an actor-style stream handler. The message owns <see cref="Data"/>: the
/// handler may keep it. The bytes were consumed when read, so the peer's flow-control window (RFC 9000 §4.1) has moved on.
/// </summary>
/// <param name="Data">The bytes, never empty.</param>
public sealed record StreamData(ReadOnlyMemory<byte> Data);
