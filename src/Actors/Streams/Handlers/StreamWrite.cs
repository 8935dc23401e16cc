namespace QuicActors.Streams;

/// <summary>
/// Sent by an actor-style stream handler to the sender of its <see cref="StreamOpened"/>: write <see cref="Data"/> on the
/// stream, with FIN when <see cref="CompleteWrites"/> (RFC 9000 §3.1). Writes happen in the order they were sent; a write
/// that fails is answered with <see cref="StreamWriteFailed"/>.
/// </summary>
/// <param name="Data">The bytes; copied by the engine, so the handler may reuse the memory once the write was answered or the stream ended.</param>
/// <param name="CompleteWrites">Whether the FIN follows the bytes.</param>
public sealed record StreamWrite(ReadOnlyMemory<byte> Data, bool CompleteWrites = false);
