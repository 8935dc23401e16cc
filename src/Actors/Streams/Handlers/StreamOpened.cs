namespace QuicActors.Streams;

/// <summary>
/// The first message an actor-style stream handler (<see cref="ConnectionActorSettings.StreamHandlerProps"/>) receives:
/// the peer opened a stream (RFC 9000 §2.1). Its sender accepts <see cref="StreamWrite"/>, <see cref="StreamCompleteWrites"/>
/// and <see cref="StreamAbort"/> for this stream.
/// </summary>
/// <param name="Stamp">Connection, generation and stream ID.</param>
/// <param name="CanRead">Whether <see cref="StreamData"/> can follow (false on a unidirectional stream we only send on).</param>
/// <param name="CanWrite">Whether the handler may write (false on the peer's unidirectional stream).</param>
public sealed record StreamOpened(StreamHandleStamp Stamp, bool CanRead, bool CanWrite);
