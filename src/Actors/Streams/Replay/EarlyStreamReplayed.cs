namespace QuicActors.Streams;

/// <summary>
/// Published on the actor system's event stream when a stream opened in 0-RTT was re-opened and re-sent in the next
/// generation under <see cref="EarlyDataReplayPolicy.Replay"/>.
/// </summary>
/// <param name="Original">The stamp of the early stream; its handle is inert.</param>
/// <param name="Replacement">The handle of the re-opened stream: use it from now on.</param>
/// <param name="BytesResent">How many bytes written in 0-RTT were re-sent on <paramref name="Replacement"/>.</param>
/// <param name="FinResent">Whether the early stream's FIN was re-sent too.</param>
public sealed record EarlyStreamReplayed(StreamHandleStamp Original, StreamHandle Replacement, long BytesResent, bool FinResent);
