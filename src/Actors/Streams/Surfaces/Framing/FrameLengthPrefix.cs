namespace QuicActors.Streams;

/// <summary>How a length-prefixed frame states its payload length.</summary>
public enum FrameLengthPrefix
{
    /// <summary>
    /// A QUIC variable-length integer (RFC 9000 §16): 1, 2, 4 or 8 bytes, the two high bits of the first byte giving the
    /// size. Writers use the shortest encoding; readers accept any. Small frames cost one byte of framing.
    /// </summary>
    VarInt,

    /// <summary>Four bytes, an unsigned integer in network byte order (big-endian, RFC 9000 §1.3).</summary>
    UInt32BigEndian,
}
