namespace QuicActors.Streams.Internal;

/// <summary>A stream actor's linger policy took <see cref="NewActions"/> on a released stream; <see cref="FirstActions"/> when it had taken none before.</summary>
internal sealed record LingerActed(StreamHandleStamp Stamp, LingerActions NewActions, bool FirstActions);
