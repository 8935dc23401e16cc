using System.Globalization;

namespace QuicActors.Transport;

/// <summary>
/// A stream ID as RFC 9000 §2.1 defines it: a 62-bit integer whose least significant bit says who opened the
/// stream (0 client, 1 server) and whose second bit says its direction (0 bidirectional, 1 unidirectional).
/// </summary>
/// <param name="Value">The raw ID, 0 to 2^62-1.</param>
public readonly record struct QuicStreamId(long Value) : IComparable<QuicStreamId>
{
    /// <summary>The largest stream ID a varint can carry (RFC 9000 §16).</summary>
    public const long MaxValue = (1L << 62) - 1;

    /// <summary>The role of the endpoint that opened the stream.</summary>
    public QuicConnectionRole Initiator => (Value & 1) == 0 ? QuicConnectionRole.Client : QuicConnectionRole.Server;

    /// <summary>The stream's direction.</summary>
    public StreamDirection Direction => (Value & 2) == 0 ? StreamDirection.Bidirectional : StreamDirection.Unidirectional;

    /// <summary>The position of the stream among the streams of its type: the N in "the Nth stream the client opened".</summary>
    public long Index => Value >> 2;

    /// <summary>Whether an endpoint of <paramref name="role"/> has a send half on this stream.</summary>
    public bool HasSendHalf(QuicConnectionRole role) => Direction == StreamDirection.Bidirectional || Initiator == role;

    /// <summary>Whether an endpoint of <paramref name="role"/> has a receive half on this stream.</summary>
    public bool HasReceiveHalf(QuicConnectionRole role) => Direction == StreamDirection.Bidirectional || Initiator != role;

    /// <summary>Builds the ID of the <paramref name="index"/>th stream of a type (RFC 9000 §2.1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is negative or the ID would exceed 2^62-1.</exception>
    public static QuicStreamId Create(QuicConnectionRole initiator, StreamDirection direction, long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, MaxValue >> 2);
        var typeBits = (initiator == QuicConnectionRole.Server ? 1L : 0L) | (direction == StreamDirection.Unidirectional ? 2L : 0L);
        return new QuicStreamId((index << 2) | typeBits);
    }

    /// <inheritdoc />
    public int CompareTo(QuicStreamId other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Orders stream IDs by their raw value.</summary>
    public static bool operator <(QuicStreamId left, QuicStreamId right) => left.Value < right.Value;

    /// <summary>Orders stream IDs by their raw value.</summary>
    public static bool operator >(QuicStreamId left, QuicStreamId right) => left.Value > right.Value;

    /// <summary>Orders stream IDs by their raw value.</summary>
    public static bool operator <=(QuicStreamId left, QuicStreamId right) => left.Value <= right.Value;

    /// <summary>Orders stream IDs by their raw value.</summary>
    public static bool operator >=(QuicStreamId left, QuicStreamId right) => left.Value >= right.Value;
}
