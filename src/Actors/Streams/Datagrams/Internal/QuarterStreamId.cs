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
    public static int EncodedLength(QuicStreamId streamId) => LengthPrefixedFraming.GetVarIntLength(streamId.Value >> 2);

    /// <summary>Writes the prefix of <paramref name="streamId"/>; returns its length.</summary>
    public static int Write(Span<byte> destination, QuicStreamId streamId) => LengthPrefixedFraming.WriteVarInt(destination, streamId.Value >> 2);

    /// <summary>Reads a prefix; false when <paramref name="source"/> is shorter than the varint it starts.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out QuicStreamId streamId, out int length)
    {
        streamId = default;
        // A quarter ID above 2^60-1 would name a stream ID beyond 2^62-1 (RFC 9000 §2.1): malformed.
        if (!LengthPrefixedFraming.TryReadVarInt(source, out var quarter, out length) || quarter > QuicStreamId.MaxValue >> 2)
        {
            return false;
        }

        streamId = new QuicStreamId(quarter << 2);
        return true;
    }
}
