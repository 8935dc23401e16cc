using System.Buffers.Binary;

namespace QuicActors.Transport.InMemory.Internal;

/// <summary>
/// What an in-memory ticket carries (RFC 9000 §7.4.1): which listener issued it, whether it allows 0-RTT, and the
/// server's transport parameters the client must remember for early data.
/// </summary>
internal sealed record ResumptionTicketData(long ListenerId, bool AllowsEarlyData, QuicTransportParameters Parameters)
{
    private const byte Version = 1;
    private const int Size = 1 + 8 + 1 + 4 + 4 + 8 + 8 + 8 + 4;

    public byte[] Encode()
    {
        var bytes = new byte[Size];
        var span = bytes.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], ListenerId);
        span[9] = AllowsEarlyData ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(span[10..], Parameters.MaxInboundBidirectionalStreams);
        BinaryPrimitives.WriteInt32LittleEndian(span[14..], Parameters.MaxInboundUnidirectionalStreams);
        BinaryPrimitives.WriteInt64LittleEndian(span[18..], Parameters.StreamReceiveWindow);
        BinaryPrimitives.WriteInt64LittleEndian(span[26..], Parameters.ConnectionReceiveWindow);
        BinaryPrimitives.WriteInt64LittleEndian(span[34..], Parameters.IdleTimeout.Ticks);
        BinaryPrimitives.WriteInt32LittleEndian(span[42..], Parameters.MaxDatagramFrameSize);
        return bytes;
    }

    /// <summary>Reads a ticket issued by this engine.</summary>
    /// <exception cref="ArgumentException">The ticket is not one the in-memory engine issued.</exception>
    public static ResumptionTicketData Decode(QuicResumptionTicket ticket, string paramName)
    {
        if (ticket.Engine != InMemoryQuicEngine.EngineName)
            throw new ArgumentException($"The resumption ticket was issued by the \"{ticket.Engine}\" engine; the \"{InMemoryQuicEngine.EngineName}\" engine cannot use it.", paramName);
        var span = ticket.Data.Span;
        if (span.Length != Size || span[0] != Version)
            throw new ArgumentException($"The resumption ticket holds {span.Length} bytes that are not an in-memory ticket.", paramName);
        var parameters = new QuicTransportParameters
        {
            MaxInboundBidirectionalStreams = BinaryPrimitives.ReadInt32LittleEndian(span[10..]),
            MaxInboundUnidirectionalStreams = BinaryPrimitives.ReadInt32LittleEndian(span[14..]),
            StreamReceiveWindow = BinaryPrimitives.ReadInt64LittleEndian(span[18..]),
            ConnectionReceiveWindow = BinaryPrimitives.ReadInt64LittleEndian(span[26..]),
            IdleTimeout = TimeSpan.FromTicks(BinaryPrimitives.ReadInt64LittleEndian(span[34..])),
            MaxDatagramFrameSize = BinaryPrimitives.ReadInt32LittleEndian(span[42..]),
        };
        return new ResumptionTicketData(BinaryPrimitives.ReadInt64LittleEndian(span[1..]), span[9] == 1, parameters);
    }
}
