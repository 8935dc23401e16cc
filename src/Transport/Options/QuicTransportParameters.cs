namespace QuicActors.Transport;

/// <summary>
/// The limits an endpoint advertises to its peer in the handshake (RFC 9000 §18.2) plus the local buffers that go
/// with them. One record serves clients and servers; unlike System.Net.Quic, the client's default inbound stream
/// limits are not 0, so a server can open streams to a client unless the client says otherwise.
/// </summary>
public sealed record QuicTransportParameters
{
    /// <summary>initial_max_streams_bidi: how many bidirectional streams the peer may open before we release slots (RFC 9000 §4.6).</summary>
    public int MaxInboundBidirectionalStreams { get; init; } = 100;

    /// <summary>initial_max_streams_uni: how many unidirectional streams the peer may open before we release slots.</summary>
    public int MaxInboundUnidirectionalStreams { get; init; } = 100;

    /// <summary>initial_max_stream_data_*: bytes the peer may send on one stream before the application consumes any (RFC 9000 §4.1).</summary>
    public long StreamReceiveWindow { get; init; } = 256 * 1024;

    /// <summary>initial_max_data: bytes the peer may send on all streams together before the application consumes any.</summary>
    public long ConnectionReceiveWindow { get; init; } = 4 * 1024 * 1024;

    /// <summary>max_idle_timeout: the connection closes silently after this long without traffic (RFC 9000 §10.1); zero disables it.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>max_datagram_frame_size (RFC 9221 §3): the largest datagram payload we accept; 0 disables datagrams.</summary>
    public int MaxDatagramFrameSize { get; init; }

    /// <summary>How many received datagrams wait for the application before newer ones are dropped (and counted).</summary>
    public int DatagramReceiveQueueCapacity { get; init; } = 128;

    /// <summary>How many bytes a stream's writer may have buffered in the engine before <c>WriteAsync</c> waits.</summary>
    public int StreamSendBufferSize { get; init; } = 64 * 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    /// <param name="source">Where the parameters came from (an options property name), for the message.</param>
    public void Validate(string source)
    {
        static void Check(bool ok, string source, string name, object value, string rule)
        {
            if (!ok) throw new ArgumentException($"{source}.{name} = {value}: {rule}.", source);
        }

        Check(MaxInboundBidirectionalStreams >= 0, source, nameof(MaxInboundBidirectionalStreams), MaxInboundBidirectionalStreams, "must not be negative");
        Check(MaxInboundUnidirectionalStreams >= 0, source, nameof(MaxInboundUnidirectionalStreams), MaxInboundUnidirectionalStreams, "must not be negative");
        Check(StreamReceiveWindow is > 0 and <= ApplicationErrorCodes.MaxValue, source, nameof(StreamReceiveWindow), StreamReceiveWindow, "must be in 1..2^62-1");
        Check(ConnectionReceiveWindow is > 0 and <= ApplicationErrorCodes.MaxValue, source, nameof(ConnectionReceiveWindow), ConnectionReceiveWindow, "must be in 1..2^62-1");
        Check(IdleTimeout >= TimeSpan.Zero, source, nameof(IdleTimeout), IdleTimeout, "must not be negative");
        Check(MaxDatagramFrameSize is >= 0 and <= 65535, source, nameof(MaxDatagramFrameSize), MaxDatagramFrameSize, "must be in 0..65535");
        Check(DatagramReceiveQueueCapacity > 0, source, nameof(DatagramReceiveQueueCapacity), DatagramReceiveQueueCapacity, "must be positive");
        Check(StreamSendBufferSize > 0, source, nameof(StreamSendBufferSize), StreamSendBufferSize, "must be positive");
    }
}
