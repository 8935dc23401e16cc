using QuicActors.Transport;

namespace QuicActors.Streams.Internal;

/// <summary>Bit flags for the halves of one stream, so per-stream bookkeeping stays one byte.</summary>
[Flags]
internal enum HalfFlags : byte
{
    None = 0,
    Send = 1,
    Receive = 2,
}

internal static class HalfFlagsExtensions
{
    /// <summary>The halves an endpoint of <paramref name="role"/> has on <paramref name="streamId"/>.</summary>
    public static HalfFlags ExistingHalves(this QuicStreamId streamId, QuicConnectionRole role) =>
        (streamId.HasSendHalf(role) ? HalfFlags.Send : HalfFlags.None)
        | (streamId.HasReceiveHalf(role) ? HalfFlags.Receive : HalfFlags.None);

    public static HalfFlags ToFlag(this StreamHalf half) => half switch
    {
        StreamHalf.Send => HalfFlags.Send,
        StreamHalf.Receive => HalfFlags.Receive,
        _ => throw new ArgumentOutOfRangeException(nameof(half), half, "Not a stream half."),
    };
}
