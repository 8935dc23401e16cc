using System.Buffers;
using System.Buffers.Binary;

namespace QuicActors.Streams;

/// <summary>
/// The codec of length-prefixed frames: a length (<see cref="FrameLengthPrefix"/>) followed by that many payload bytes.
/// <see cref="LengthPrefixedFrameReader"/> and <see cref="LengthPrefixedFrameWriter"/> run it over pipes; these methods are
/// for code that frames its own buffers.
/// </summary>
public static class LengthPrefixedFraming
{
    /// <summary>The largest value a QUIC variable-length integer carries: 2^62-1 (RFC 9000 §16).</summary>
    public const long MaxVarInt = (1L << 62) - 1;

    /// <summary>How many bytes the prefix of a <paramref name="payloadLength"/>-byte payload takes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative.</exception>
    public static int GetPrefixLength(FrameLengthPrefix prefix, long payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        return prefix switch
        {
            FrameLengthPrefix.UInt32BigEndian => 4,
            _ => GetVarIntLength(payloadLength),
        };
    }

    /// <summary>The length of the shortest varint encoding of <paramref name="value"/> (RFC 9000 §16, table 4).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is outside 0..2^62-1.</exception>
    public static int GetVarIntLength(long value) => value switch
    {
        < 0 or > MaxVarInt => throw new ArgumentOutOfRangeException(nameof(value), value, $"A QUIC varint carries 0..{MaxVarInt} (RFC 9000 §16); got {value}."),
        <= 63 => 1,
        <= 16_383 => 2,
        <= 1_073_741_823 => 4,
        _ => 8,
    };

    /// <summary>Writes the shortest varint encoding of <paramref name="value"/> (RFC 9000 §16) and returns its length.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is outside 0..2^62-1.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static int WriteVarInt(Span<byte> destination, long value)
    {
        var length = GetVarIntLength(value);
        if (destination.Length < length)
        {
            throw new ArgumentException($"The varint {value} needs {length} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        switch (length)
        {
            case 1:
                destination[0] = (byte)value;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(value | 0x4000));
                break;
            case 4:
                BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)value | 0x8000_0000u);
                break;
            default:
                BinaryPrimitives.WriteUInt64BigEndian(destination, (ulong)value | 0xC000_0000_0000_0000ul);
                break;
        }

        return length;
    }

    /// <summary>
    /// Reads a varint (RFC 9000 §16, any of its encodings) from the start of <paramref name="source"/>; false when
    /// <paramref name="source"/> ends inside it.
    /// </summary>
    public static bool TryReadVarInt(ReadOnlySpan<byte> source, out long value, out int length)
    {
        value = 0;
        length = 0;
        if (source.IsEmpty)
        {
            return false;
        }

        var size = 1 << (source[0] >> 6);
        if (source.Length < size)
        {
            return false;
        }

        length = size;
        value = size switch
        {
            1 => source[0] & 0x3F,
            2 => BinaryPrimitives.ReadUInt16BigEndian(source) & 0x3FFF,
            4 => BinaryPrimitives.ReadUInt32BigEndian(source) & 0x3FFF_FFFF,
            _ => (long)(BinaryPrimitives.ReadUInt64BigEndian(source) & 0x3FFF_FFFF_FFFF_FFFFul),
        };
        return true;
    }

    /// <summary>Writes the prefix of a <paramref name="payloadLength"/>-byte payload and returns its length.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static int WritePrefix(Span<byte> destination, FrameLengthPrefix prefix, int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        if (prefix != FrameLengthPrefix.UInt32BigEndian)
        {
            return WriteVarInt(destination, payloadLength);
        }

        if (destination.Length < 4)
        {
            throw new ArgumentException($"A 4-byte length prefix does not fit the destination of {destination.Length} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)payloadLength);
        return 4;
    }

    /// <summary>
    /// Takes one whole frame from the start of <paramref name="buffer"/>: on success <paramref name="payload"/> is its
    /// payload (a slice of <paramref name="buffer"/>, no copy) and <paramref name="buffer"/> moves past it; false, with
    /// <paramref name="buffer"/> untouched, when the frame is not complete yet.
    /// </summary>
    /// <exception cref="InvalidDataException">The frame announces more than <see cref="LengthPrefixedFramingOptions.MaxFrameSize"/>
    /// bytes; the message names both sizes. Thrown as soon as the prefix is read, before the payload is buffered.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, LengthPrefixedFramingOptions options, out ReadOnlySequence<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(options);
        payload = default;
        if (!TryReadPrefix(buffer, options.Prefix, out var payloadLength, out var prefixLength))
        {
            return false;
        }

        if (payloadLength > options.MaxFrameSize)
        {
            throw new InvalidDataException(
                $"A frame announces a payload of {payloadLength} bytes, above the maximum frame size of {options.MaxFrameSize} bytes ({nameof(LengthPrefixedFramingOptions)}.{nameof(LengthPrefixedFramingOptions.MaxFrameSize)}).");
        }

        if (buffer.Length - prefixLength < payloadLength)
        {
            return false;
        }

        payload = buffer.Slice(prefixLength, payloadLength);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>
    /// The error for input that ended with <paramref name="rest"/> unread: bytes of a frame that never completed. Null when
    /// <paramref name="rest"/> is empty, i.e. the input ended on a frame boundary.
    /// </summary>
    public static InvalidDataException? PartialFrameAtEnd(ReadOnlySequence<byte> rest, FrameLengthPrefix prefix)
    {
        if (rest.IsEmpty)
        {
            return null;
        }

        return TryReadPrefix(rest, prefix, out var payloadLength, out var prefixLength)
            ? new InvalidDataException($"The input ended inside a frame: {rest.Length} of its {prefixLength + payloadLength} bytes ({prefixLength}-byte prefix, {payloadLength}-byte payload) arrived.")
            : new InvalidDataException($"The input ended inside a frame's length prefix: {rest.Length} byte(s) of it arrived.");
    }

    private static bool TryReadPrefix(in ReadOnlySequence<byte> buffer, FrameLengthPrefix prefix, out long payloadLength, out int prefixLength)
    {
        payloadLength = 0;
        prefixLength = 0;
        Span<byte> head = stackalloc byte[8];
        var available = (int)Math.Min(buffer.Length, head.Length);
        if (available == 0)
        {
            return false;
        }

        buffer.Slice(0, available).CopyTo(head);
        head = head[..available];
        if (prefix == FrameLengthPrefix.UInt32BigEndian)
        {
            if (available < 4)
            {
                return false;
            }

            payloadLength = BinaryPrimitives.ReadUInt32BigEndian(head);
            prefixLength = 4;
            return true;
        }

        return TryReadVarInt(head, out payloadLength, out prefixLength);
    }
}
