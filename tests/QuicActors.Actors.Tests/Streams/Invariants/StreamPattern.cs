using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Streams.Invariants;

/// <summary>
/// The bytes every scenario writes: a function of the stream, the writing side and the offset, so any reader (the
/// engine's deliveries or the application's reads) can check each byte is the one written there (invariant 6: in order,
/// nothing lost, duplicated or from another stream).
/// </summary>
internal static class StreamPattern
{
    public static byte At(QuicStreamId streamId, QuicConnectionRole writer, long offset) =>
        unchecked((byte)((offset * 7) + (streamId.Value * 13) + (writer == QuicConnectionRole.Client ? 0 : 101) + (offset >> 8)));

    public static byte[] Chunk(QuicStreamId streamId, QuicConnectionRole writer, long offset, int length)
    {
        var chunk = new byte[length];
        for (var i = 0; i < length; i++)
        {
            chunk[i] = At(streamId, writer, offset + i);
        }

        return chunk;
    }

    /// <summary>The index of the first byte of <paramref name="data"/> that differs from the pattern, or -1.</summary>
    public static int FirstMismatch(QuicStreamId streamId, QuicConnectionRole writer, long offset, ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] != At(streamId, writer, offset + i))
            {
                return i;
            }
        }

        return -1;
    }
}
