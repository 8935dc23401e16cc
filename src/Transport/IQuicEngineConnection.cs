using System.Net;
using System.Threading.Channels;
using QuicActors.Transport.Events;

namespace QuicActors.Transport;

/// <summary>
/// One QUIC connection: a queue of <see cref="EngineEvent"/>s and the commands that act on it. Disposing closes the
/// connection with application code 0 if it is still open, fails pending operations and frees every resource.
/// </summary>
/// <remarks>
/// <para>Commands are safe to call from any thread. Commands that only queue a frame (reset, stop sending, consume,
/// release) return at once; <see cref="WriteAsync"/> waits only for buffer space (send backpressure), never for the
/// peer; <see cref="OpenStreamAsync"/> waits for stream credit, in order.</para>
/// <para>Invalid use fails loudly: an error code outside 0..2^62-1 throws <see cref="ArgumentOutOfRangeException"/> naming
/// it; a stream ID the connection does not know throws <see cref="QuicTransportException"/> with
/// <see cref="QuicTransportError.StreamNotFound"/>; a write on a finished or absent send half throws
/// <see cref="QuicTransportError.StreamDirectionClosed"/>; any command after the connection ended throws
/// <see cref="QuicTransportError.ConnectionClosed"/>. Aborts are idempotent: <see cref="ResetStream"/> and
/// <see cref="StopSending"/> on a half that is already terminal do nothing and return <see langword="false"/>.</para>
/// </remarks>
public interface IQuicEngineConnection : IAsyncDisposable
{
    /// <summary>Whether this end is the client or the server.</summary>
    QuicConnectionRole Role { get; }

    /// <summary>The local address.</summary>
    EndPoint LocalEndPoint { get; }

    /// <summary>The peer's address.</summary>
    EndPoint RemoteEndPoint { get; }

    /// <summary>The negotiated ALPN protocol; null until the handshake completes (0-RTT) or on a failed handshake.</summary>
    string? ApplicationProtocol { get; }

    /// <summary>
    /// What happened, in order. Single reader. Completes after <see cref="ConnectionClosed"/>. Events that own pooled
    /// buffers (<see cref="StreamDataReceived"/>, <see cref="DatagramReceived"/>) must be disposed by the reader.
    /// </summary>
    ChannelReader<EngineEvent> Events { get; }

    /// <summary>
    /// Whether the server rejected this client's 0-RTT (RFC 9000 §4.6.1): true from the moment the engine queued
    /// <see cref="EarlyDataRejected"/>, possibly before the reader has seen that event. A stream opened while this is
    /// true belongs to the 1-RTT connection and is not among the event's discarded streams; a reader that opens streams
    /// concurrently with its event loop uses this to tell the two apart.
    /// </summary>
    bool IsEarlyDataRejected => false;

    /// <summary>Completes with how the connection ended; never faults.</summary>
    Task<ConnectionCloseInfo> Closed { get; }

    /// <summary>
    /// The largest datagram payload that can actually be sent: at most what the peer's max_datagram_frame_size accepts,
    /// and further limited by what fits in one packet on the path (RFC 9221 §3, §5), so it may be below the negotiated
    /// size; 0 when datagrams were not negotiated.
    /// </summary>
    int MaxDatagramSize { get; }

    /// <summary>
    /// Opens a stream, waiting in FIFO order for the peer's stream credit (RFC 9000 §4.6) when none is left. Cancelling
    /// the token removes the wait and opens nothing; it never consumes a stream ID.
    /// </summary>
    /// <exception cref="QuicTransportException">The connection closed, or the direction is not supported.</exception>
    ValueTask<QuicStreamId> OpenStreamAsync(StreamDirection direction, CancellationToken cancellationToken = default);

    /// <summary>Opens a stream if credit is available now and nobody waits ahead.</summary>
    bool TryOpenStream(StreamDirection direction, out QuicStreamId streamId);

    /// <summary>
    /// Queues <paramref name="data"/> (copied) on the stream, with FIN when <paramref name="fin"/> is true; waits while the
    /// stream's send buffer is full. Never cancelled by a token: a pending write ends when buffer space frees up, or
    /// fails when the direction is aborted (locally by <see cref="ResetStream"/>, by the peer's STOP_SENDING) or the
    /// connection closes.
    /// </summary>
    /// <exception cref="QuicTransportException">See the remarks on the interface.</exception>
    ValueTask WriteAsync(QuicStreamId streamId, ReadOnlyMemory<byte> data, bool fin);

    /// <summary>Abruptly ends our sending: RESET_STREAM with <paramref name="applicationErrorCode"/> (RFC 9000 §19.4). Pending writes fail.</summary>
    /// <returns><see langword="false"/> when the send half was already terminal (data acknowledged or already reset).</returns>
    bool ResetStream(QuicStreamId streamId, long applicationErrorCode);

    /// <summary>Asks the peer to stop sending: STOP_SENDING with <paramref name="applicationErrorCode"/> (RFC 9000 §19.5). Data still arriving is discarded and not reported.</summary>
    /// <remarks>
    /// The end of the data still is, once, as <see cref="Events.StreamDataDiscarded"/>: the peer need not answer with
    /// RESET_STREAM once its data is all acknowledged (RFC 9000 §3.5), so without it the receive half could not end before
    /// the connection does. It carries the final size where the engine learns it. An engine whose stack forwards nothing
    /// after the abort reports it when the stack has finished the stream, and one whose stack gives the peer's stream
    /// slot back by itself may report it at once. A <see cref="Events.PeerResetStream"/> that comes first ends the half
    /// instead; nothing of the receive half is reported after either.
    /// </remarks>
    /// <returns><see langword="false"/> when the receive half was already terminal.</returns>
    bool StopSending(QuicStreamId streamId, long applicationErrorCode);

    /// <summary>
    /// Reports that the application has read <paramref name="bytes"/> more of the stream, so the engine may extend the
    /// stream's and the connection's receive windows (MAX_STREAM_DATA, MAX_DATA; RFC 9000 §4.2). Data not consumed
    /// holds the peer back: this is the only source of receive backpressure.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">More bytes than were delivered and not yet consumed.</exception>
    void Consume(QuicStreamId streamId, int bytes);

    /// <summary>
    /// Forgets the stream. For a stream the peer opened, this gives one slot back: the peer's cumulative MAX_STREAMS
    /// grows by one (RFC 9000 §4.6). The engine does not check that both halves are terminal; that is the caller's
    /// rule. A half that is not terminal is aborted first (RESET_STREAM / STOP_SENDING with code 0) so nothing leaks.
    /// </summary>
    /// <exception cref="QuicTransportException">The stream is unknown (for example, released twice).</exception>
    void ReleaseStream(QuicStreamId streamId);

    /// <summary>Sends a datagram (RFC 9221); unreliable, may be dropped.</summary>
    /// <returns><see langword="false"/> when the send queue is full and the datagram was dropped.</returns>
    /// <exception cref="QuicTransportException">Datagrams were not negotiated or the payload exceeds <see cref="MaxDatagramSize"/> (<see cref="QuicTransportError.DatagramRejected"/>).</exception>
    bool SendDatagram(ReadOnlySpan<byte> payload);

    /// <summary>Closes the connection with an application error code and reason (RFC 9000 §10.2). Idempotent; completes when the close has been sent.</summary>
    ValueTask CloseAsync(long applicationErrorCode, string reason = "");
}
