using System.Buffers;

namespace QuicActors.Transport.InMemory.Internal;

/// <summary>The frame types the in-memory wire carries; a subset of RFC 9000 §19 plus the handshake messages.</summary>
internal enum FrameKind : byte
{
    ClientHello,
    ServerHello,
    HandshakeFailure,
    Stream,
    ResetStream,
    StopSending,
    MaxData,
    MaxStreamData,
    MaxStreams,
    // ACKs are modelled only where the contract reports them: all data with FIN received, RESET_STREAM received.
    FinAck,
    ResetAck,
    Datagram,
    ConnectionClose,
}

/// <summary>
/// One frame on the in-memory wire. A single mutable class instead of a hierarchy keeps the scheduler free of type
/// tests; a STREAM or DATAGRAM frame owns its pooled buffer until the receiver hands it on or returns it.
/// </summary>
internal sealed class Frame
{
    public FrameKind Kind;

    /// <summary>Sent by the client toward the server.</summary>
    public bool ToServer;

    /// <summary>Sent in 0-RTT: dropped by a server that rejected early data.</summary>
    public bool Early;

    public long StreamId;

    /// <summary>Stream offset (STREAM), final size (RESET_STREAM), or the new limit (MAX_*).</summary>
    public long Offset;

    public byte[]? Buffer;
    public int Length;
    public bool Fin;

    /// <summary>Application error code, or the transport code of a transport CONNECTION_CLOSE.</summary>
    public long Code;

    public bool IsApplicationClose;
    public StreamDirection Direction;

    /// <summary>Handshake message, close reason or failure text.</summary>
    public object? Payload;

    /// <summary>Scheduler bookkeeping: whether the frame went through the delay queue, and its send order.</summary>
    public bool Delayed;

    public long Sequence;

    public bool IsHandshake => Kind is FrameKind.ClientHello or FrameKind.ServerHello or FrameKind.HandshakeFailure;

    /// <summary>Returns the buffer to the pool when the frame is dropped instead of delivered.</summary>
    public void ReturnBuffer()
    {
        var buffer = Buffer;
        Buffer = null;
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }

    public override string ToString() => Kind switch
    {
        FrameKind.Stream => $"STREAM({StreamId}, off {Offset}, len {Length}{(Fin ? ", fin" : "")}{(Early ? ", 0-rtt" : "")})",
        FrameKind.ResetStream => $"RESET_STREAM({StreamId}, code {Code}, final {Offset})",
        FrameKind.StopSending => $"STOP_SENDING({StreamId}, code {Code})",
        FrameKind.MaxData => $"MAX_DATA({Offset})",
        FrameKind.MaxStreamData => $"MAX_STREAM_DATA({StreamId}, {Offset})",
        FrameKind.MaxStreams => $"MAX_STREAMS({Direction}, {Offset})",
        FrameKind.FinAck => $"ACK-FIN({StreamId})",
        FrameKind.ResetAck => $"ACK-RESET({StreamId})",
        FrameKind.Datagram => $"DATAGRAM({Length})",
        FrameKind.ConnectionClose => $"CONNECTION_CLOSE({(IsApplicationClose ? "app" : "transport")} {Code})",
        _ => Kind.ToString(),
    };
}

/// <summary>What the client offers in its first flight: ALPN, its transport parameters and maybe a ticket for 0-RTT.</summary>
internal sealed record ClientHello(IReadOnlyList<string> ApplicationProtocols, QuicTransportParameters Parameters, string ServerName, ResumptionTicketData? Ticket, bool EarlyData);

/// <summary>The server's answer: chosen ALPN, its transport parameters, the 0-RTT verdict and a ticket for next time.</summary>
internal sealed record ServerHello(string ApplicationProtocol, QuicTransportParameters Parameters, bool EarlyDataAccepted, QuicResumptionTicket Ticket);
