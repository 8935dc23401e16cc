using System.Buffers.Binary;

namespace QuicActors.Transport.Ngtcp2.Internal;

/// <summary>
/// A connection ID (at most 20 bytes, RFC 9000 §17.2) as a dictionary key held by value, so routing a received packet
/// to its connection allocates nothing.
/// </summary>
internal readonly struct ConnectionIdKey : IEquatable<ConnectionIdKey>
{
    /// <summary>The longest connection ID QUIC v1 allows (RFC 9000 §17.2).</summary>
    public const int MaxLength = 20;

    private readonly ulong _first;
    private readonly ulong _second;
    private readonly uint _third;
    private readonly int _length;

    /// <summary>Copies <paramref name="id"/>; throws when it is longer than QUIC allows.</summary>
    public ConnectionIdKey(ReadOnlySpan<byte> id)
    {
        if (id.Length > MaxLength)
            throw new ArgumentException($"A connection ID has at most {MaxLength} bytes (RFC 9000 §17.2); this one has {id.Length}.", nameof(id));
        Span<byte> padded = stackalloc byte[MaxLength];
        padded.Clear();
        id.CopyTo(padded);
        _first = BinaryPrimitives.ReadUInt64LittleEndian(padded);
        _second = BinaryPrimitives.ReadUInt64LittleEndian(padded[8..]);
        _third = BinaryPrimitives.ReadUInt32LittleEndian(padded[16..]);
        _length = id.Length;
    }

    public bool Equals(ConnectionIdKey other) =>
        _first == other._first && _second == other._second && _third == other._third && _length == other._length;

    public override bool Equals(object? obj) => obj is ConnectionIdKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_first, _second, _third, _length);

    public static bool operator ==(ConnectionIdKey left, ConnectionIdKey right) => left.Equals(right);

    public static bool operator !=(ConnectionIdKey left, ConnectionIdKey right) => !left.Equals(right);

    /// <summary>The ID in hex, for diagnostics.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[MaxLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, _first);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], _second);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[16..], _third);
        return Convert.ToHexString(bytes[.._length]);
    }
}
