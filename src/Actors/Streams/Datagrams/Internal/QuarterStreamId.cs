using System.Buffers.Binary;
using QuicActors.Transport;

namespace QuicActors.Streams.Internal;

/// <summary>
/// The flow-id prefix of a stream-bound datagram: the Quarter Stream ID of RFC 9297 §2.1 (the stream ID divided by 4),
/// as a QUIC variable-length integer (RFC 9000 §16). Only client-initiated bidirectional streams carry datagrams, so
/// the division loses nothing.
/// </summary>
internal static class QuarterStreamId
{
    /// <summary>The longest encoding: 8 bytes.</summary>
    public const int MaxLength = 8;

    /// <summary>Whether datagrams may be bound to <paramref name="streamId"/> (RFC 9297 §2.1).</summary>
    public static bool CanCarryDatagrams(QuicStreamId streamId) =>
        streamId.Direction == StreamDirection.Bidirectional && streamId.Initiator == QuicConnectionRole.Client;

    /// <summary>Bytes <see cref="Write"/> uses for <paramref name="streamId"/>'s prefix.</summary>
    public static int EncodedLength(QuicStreamId streamId) => (streamId.Value >> 2) switch
    {
        < 1L << 6 => 1,
        < 1L << 14 => 2,
        < 1L << 30 => 4,
        _ => 8,
    };

    /// <summary>Writes the prefix of <paramref name="streamId"/>; returns its length.</summary>
    public static int Write(Span<byte> destination, QuicStreamId streamId)
    {
        var quarter = (ulong)(streamId.Value >> 2);
        switch (EncodedLength(streamId))
        {
            case 1:
                destination[0] = (byte)quarter;
                return 1;
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(0x4000 | quarter));
                return 2;
            case 4:
                BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(0x8000_0000UL | quarter));
                return 4;
            default:
                BinaryPrimitives.WriteUInt64BigEndian(destination, 0xC000_0000_0000_0000UL | quarter);
                return 8;
        }
    }

    /// <summary>Reads a prefix; false when <paramref name="source"/> is shorter than the varint it starts.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out QuicStreamId streamId, out int length)
    {
        streamId = default;
        length = 0;
        if (source.IsEmpty)
        {
            return false;
        }

        length = 1 << (source[0] >> 6);
        if (source.Length < length)
        {
            return false;
        }

        var quarter = length switch
        {
            1 => (ulong)(source[0] & 0x3F),
            2 => BinaryPrimitives.ReadUInt16BigEndian(source) & 0x3FFFUL,
            4 => BinaryPrimitives.ReadUInt32BigEndian(source) & 0x3FFF_FFFFUL,
            _ => BinaryPrimitives.ReadUInt64BigEndian(source) & 0x3FFF_FFFF_FFFF_FFFFUL,
        };

        // A quarter ID above 2^60-1 would name a stream ID beyond 2^62-1 (RFC 9000 §2.1): malformed.
        if (quarter > (ulong)(QuicStreamId.MaxValue >> 2))
        {
            return false;
        }

        streamId = new QuicStreamId((long)quarter << 2);
        return true;
    }
}
