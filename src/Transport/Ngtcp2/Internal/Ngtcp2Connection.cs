using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using QuicActors.Transport.Events;

namespace QuicActors.Transport.Ngtcp2.Internal;

/// <summary>
/// One QUIC connection on the ngtcp2 engine. Commands run on the caller's thread under the endpoint's lock and leave
/// the sending to the endpoint loop; what ngtcp2 reports is turned into <see cref="EngineEvent"/>s in
/// Ngtcp2Connection.Events.cs.
/// </summary>
internal sealed partial class Ngtcp2Connection : IQuicEngineConnection
{
    private readonly Ngtcp2Endpoint _endpoint;
    private readonly object _sync;
    private SafeQaConnectionHandle? _handle;
    private readonly Channel<EngineEvent> _events = Channel.CreateUnbounded<EngineEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource<ConnectionCloseInfo> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<long, StreamState> _streams = [];

    // Streams whose receive half we stopped, until the peer's reset, ngtcp2's close or their deadline reports their end.
    private readonly List<StreamState> _awaitingDiscardedEnd = [];
    private const ulong MaxDiscardWaitNanos = 1_000_000_000;
    private readonly Queue<OpenWaiter> _bidiWaiters = new();
    private readonly Queue<OpenWaiter> _uniWaiters = new();
    private readonly QuicTransportParameters _local;
    private readonly string _serverName;
    private ConnectionCloseInfo? _close;
    private bool _handshakeCompleted;
    private long _nextPeerBidiIndex;
    private long _nextPeerUniIndex;
    private int _maxDatagramSize;

    public Ngtcp2Connection(Ngtcp2Endpoint endpoint, SafeQaConnectionHandle handle, QuicConnectionRole role, EndPoint remote, SocketAddress remoteAddress, QuicTransportParameters local, string serverName, Ngtcp2Listener? listener)
    {
        _endpoint = endpoint;
        _sync = endpoint.Sync;
        _handle = handle;
        Role = role;
        RemoteEndPoint = remote;
        RemoteAddress = remoteAddress;
        _local = local;
        _serverName = serverName;
        Listener = listener;
    }

    public QuicConnectionRole Role { get; }

    public EndPoint LocalEndPoint => _endpoint.LocalEndPoint;

    public EndPoint RemoteEndPoint { get; }

    internal SocketAddress RemoteAddress { get; }

    internal Ngtcp2Listener? Listener { get; }

    /// <summary>Route keys (our connection IDs) under which the listener finds this connection.</summary>
    internal List<ConnectionIdKey> RouteKeys { get; } = [];

    /// <summary>The application's certificate check (client), run when the handshake completes instead of GnuTLS's.</summary>
    internal System.Net.Security.RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>The ALPN list a client offered; failure messages name it, as the server's list never reaches us.</summary>
    internal IReadOnlyList<string> OfferedApplicationProtocols { get; init; } = [];

    /// <summary>Whether the listener has handed the connection to the application.</summary>
    internal bool HandedOut { get; set; }

    public string? ApplicationProtocol { get; private set; }

    public ChannelReader<EngineEvent> Events => _events.Reader;

    public Task<ConnectionCloseInfo> Closed => _closed.Task;

    public int MaxDatagramSize
    {
        get { lock (_sync) return _maxDatagramSize; }
    }

    /// <summary>
    /// What the connection holds in native memory: ngtcp2's allocations, and the streams ngtcp2 has not closed, live or
    /// released (all zero once the connection is closed). ngtcp2 0.12 keeps a released stream until a reset the peer
    /// need not send if our STOP_SENDING went before the peer's FIN (see the engine README): such streams are off the send
    /// path, and this is how they are counted.
    /// </summary>
    internal NativeConnectionStats NativeStats
    {
        get
        {
            lock (_sync)
            {
                if (_handle is null || IsClosed) return default;
                NativeMethods.GetStats(Native, out var stats);
                return stats;
            }
        }
    }

    /// <summary>Completes when streams may be opened: handshake done, or 0-RTT under way. Faults when the connect fails.</summary>
    internal Task Ready => _ready.Task;

    /// <summary>When ngtcp2 wants its timer run (ns on the shim's monotonic clock); max when closed.</summary>
    internal ulong Expiry => _handle is null ? ulong.MaxValue : Math.Min(NativeMethods.GetExpiry(Native), EarliestDiscardDeadline());

    private nint Native => _handle!.DangerousGetHandle();

    private bool IsClosed => _close is not null;

    public ValueTask<QuicStreamId> OpenStreamAsync(StreamDirection direction, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<QuicStreamId>(cancellationToken);
        OpenWaiter waiter;
        lock (_sync)
        {
            ThrowIfClosed("open a stream");
            var waiters = WaitersFor(direction);
            if (waiters.Count == 0 && TryOpenLocked(direction, out var id)) return ValueTask.FromResult(id);
            waiter = new OpenWaiter();
            waiters.Enqueue(waiter);
        }
        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(() =>
            {
                bool removed;
                lock (_sync)
                {
                    var queue = WaitersFor(direction);
                    var before = queue.Count;
                    var kept = queue.Where(w => !ReferenceEquals(w, waiter)).ToArray();
                    queue.Clear();
                    foreach (var w in kept) queue.Enqueue(w);
                    removed = kept.Length != before;
                }
                if (removed) waiter.Completion.TrySetCanceled(cancellationToken);
            });
        }
        return new ValueTask<QuicStreamId>(waiter.Completion.Task);
    }

    public bool TryOpenStream(StreamDirection direction, out QuicStreamId streamId)
    {
        lock (_sync)
        {
            ThrowIfClosed("open a stream");
            if (WaitersFor(direction).Count == 0 && TryOpenLocked(direction, out streamId)) return true;
            streamId = default;
            return false;
        }
    }

    private Queue<OpenWaiter> WaitersFor(StreamDirection direction) => direction == StreamDirection.Bidirectional ? _bidiWaiters : _uniWaiters;

    private unsafe bool TryOpenLocked(StreamDirection direction, out QuicStreamId streamId)
    {
        var bidi = direction == StreamDirection.Bidirectional;
        long id = -1;
        var left = bidi ? NativeMethods.StreamsBidiLeft(Native) : NativeMethods.StreamsUniLeft(Native);
        var native = left > 0 ? NativeMethods.StreamOpen(Native, bidi ? 1 : 0, &id) : 0;
        if (native == 0)
        {
            streamId = default;
            return false;
        }
        streamId = new QuicStreamId(id);
        _streams[id] = new StreamState(streamId, native, hasSend: true, hasReceive: bidi);
        return true;
    }

    public ValueTask WriteAsync(QuicStreamId streamId, ReadOnlyMemory<byte> data, bool fin)
    {
        PendingWrite pending;
        lock (_sync)
        {
            ThrowIfClosed("write");
            var s = Find(streamId, "write");
            if (!streamId.HasSendHalf(Role))
                throw QuicTransportException.DirectionClosed(streamId, "this endpoint has no send half on a unidirectional stream opened by the peer");
            if (s.SendFailure is not null) throw s.SendFailure;
            if (s.FinQueued || s.SendDone) throw QuicTransportException.DirectionClosed(streamId, "the send half is already finished (FIN written)");
            // The send buffer holds at most StreamSendBufferSize unacknowledged bytes: what fits goes now, the rest
            // waits (and so does the caller) until acknowledgements make room.
            var accepted = s.PendingWrites.Count == 0 ? (int)Math.Min(data.Length, SendSpace(s)) : 0;
            if (accepted == data.Length)
            {
                QueueNative(s, data.Span, fin);
                return ValueTask.CompletedTask;
            }
            if (accepted > 0) QueueNative(s, data.Span[..accepted], fin: false);
            pending = new PendingWrite(data[accepted..].ToArray(), fin);
            if (fin) s.FinQueued = true;
            s.PendingWrites.Enqueue(pending);
        }
        return new ValueTask(pending.Completion.Task);
    }

    private unsafe void QueueNative(StreamState s, ReadOnlySpan<byte> data, bool fin)
    {
        if (s.Native == 0) throw QuicTransportException.DirectionClosed(s.Id, "the stream is closed at the transport");
        fixed (byte* p = data)
        {
            var rv = NativeMethods.StreamWrite(Native, s.Native, p, (nuint)data.Length, fin ? 1 : 0);
            if (rv != 0) throw QuicTransportException.DirectionClosed(s.Id, $"the transport refused the write ({NativeMethods.ErrorText(rv)})");
        }
        s.Queued += data.Length;
        if (fin) s.FinQueued = true;
        _endpoint.MarkDirty(this);
        _endpoint.Wake();
    }

    private long SendSpace(StreamState s) => Math.Max(0, _local.StreamSendBufferSize - s.Buffered);

    /// <summary>Moves pending writes into the native buffer while space allows; caller holds the lock.</summary>
    private void PumpWrites(StreamState s)
    {
        while (s.PendingWrites.Count > 0)
        {
            var w = s.PendingWrites.Peek();
            var chunk = (int)Math.Min(w.Remaining, SendSpace(s));
            // A bare FIN needs no space; otherwise wait for room.
            if (chunk == 0 && w.Remaining > 0) return;
            var last = chunk == w.Remaining;
            try
            {
                QueueNative(s, w.Data.AsSpan(w.Offset, chunk), last && w.Fin);
                w.Offset += chunk;
                if (!last) return;
                s.PendingWrites.Dequeue();
                w.Completion.TrySetResult();
            }
            catch (QuicTransportException e)
            {
                s.PendingWrites.Dequeue();
                w.Completion.TrySetException(e);
            }
        }
    }

    private static void FailWrites(StreamState s, Exception error)
    {
        while (s.PendingWrites.Count > 0) s.PendingWrites.Dequeue().Completion.TrySetException(error);
    }

    public bool ResetStream(QuicStreamId streamId, long applicationErrorCode)
    {
        ApplicationErrorCodes.Validate(applicationErrorCode, nameof(applicationErrorCode));
        lock (_sync)
        {
            ThrowIfClosed("reset a stream");
            var s = Find(streamId, "reset");
            if (!streamId.HasSendHalf(Role))
                throw QuicTransportException.DirectionClosed(streamId, "this endpoint has no send half to reset");
            if (s.SendDone || s.SendFailure is not null) return false;
            AbortSend(s, applicationErrorCode);
            s.ResetSent = s.Native != 0;
            s.SendFailure = QuicTransportException.StreamAborted(streamId, applicationErrorCode, "the send half was reset locally");
            FailWrites(s, s.SendFailure);
            // ngtcp2 0.12 has no callback for the acknowledgement of a RESET_STREAM: it marks the frame acknowledged
            // internally and retransmits it until then or until the connection ends. Once queued, the reset is as
            // certain as an acknowledged one (the msquic engine reports it the same way), so the send half moves on
            // to Reset Recvd (RFC 9000 §3.1) now rather than never.
            s.ResetAckReported = true;
            _events.Writer.TryWrite(new StreamResetAcknowledged(streamId));
            return true;
        }
    }

    private void AbortSend(StreamState s, long code)
    {
        s.SendDone = true;
        // STREAM_NOT_FOUND means ngtcp2 already finished the stream: nothing left to abort.
        if (s.Native != 0) _ = NativeMethods.StreamShutdownWrite(Native, s.Native, (ulong)code);
        _endpoint.MarkDirty(this);
        _endpoint.Wake();
    }

    public bool StopSending(QuicStreamId streamId, long applicationErrorCode)
    {
        ApplicationErrorCodes.Validate(applicationErrorCode, nameof(applicationErrorCode));
        lock (_sync)
        {
            ThrowIfClosed("stop sending");
            var s = Find(streamId, "stop sending");
            if (!streamId.HasReceiveHalf(Role))
                throw QuicTransportException.DirectionClosed(streamId, "this endpoint has no receive half on a unidirectional stream it opened");
            if (s.ReceiveDone) return false;
            AbortReceive(s, applicationErrorCode);
            return true;
        }
    }

    private void AbortReceive(StreamState s, long code)
    {
        s.ReceiveDone = true;
        s.Discarding = true;
        // ngtcp2 0.12 forwards nothing after shutdown_stream_read and keeps a stream whose FIN came after it open until a
        // RESET_STREAM that the peer need not send (its data all acknowledged, RFC 9000 §3.5): the end of the discarded
        // data is reported by the deadline then. Three probe timeouts: the peer's answering reset, if it sends one, has
        // had its round trip and one loss by then (RFC 9002 §6.2); one later than that is not reported. At most a second:
        // one slow first RTT sample can make the probe timeout several seconds, and the half has nothing left to learn
        // but the peer's code.
        s.DiscardDeadline = NativeMethods.Timestamp() + Math.Min(3 * NativeMethods.GetProbeTimeout(Native), MaxDiscardWaitNanos);
        _awaitingDiscardedEnd.Add(s);
        ReturnUnconsumed(s);
        // STREAM_NOT_FOUND means the peer's data already completed or ngtcp2 never saw the stream.
        _ = NativeMethods.StreamShutdownRead(Native, s.Id.Value, (ulong)code);
        _endpoint.MarkDirty(this);
        _endpoint.Wake();
    }

    /// <summary>
    /// Bytes delivered but never to be consumed (the receive half was aborted or the stream forgotten) still count
    /// against the connection window: hand them back so the connection does not slowly choke (RFC 9000 §4.1).
    /// </summary>
    private void ReturnUnconsumed(StreamState s)
    {
        if (s.Unconsumed == 0) return;
        _ = NativeMethods.StreamExtend(Native, s.Id.Value, (ulong)s.Unconsumed);
        s.Unconsumed = 0;
    }

    public void Consume(QuicStreamId streamId, int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_sync)
        {
            ThrowIfClosed("consume");
            var s = Find(streamId, "consume");
            // After STOP_SENDING the engine already gave the credit back; late reports of reading are harmless.
            if (s.Discarding) return;
            if (bytes > s.Unconsumed)
                throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"Stream {streamId}: consumed {bytes} bytes, but only {s.Unconsumed} were delivered and not yet consumed.");
            if (bytes == 0) return;
            s.Unconsumed -= bytes;
            // Only the stream-level extension can fail (stream already finished); MAX_DATA always grows.
            _ = NativeMethods.StreamExtend(Native, streamId.Value, (ulong)bytes);
            _endpoint.MarkDirty(this);
            _endpoint.Wake();
        }
    }

    public void ReleaseStream(QuicStreamId streamId)
    {
        lock (_sync)
        {
            ThrowIfClosed("release a stream");
            var s = Find(streamId, "release");
            if (!s.SendDone && s.SendFailure is null) AbortSend(s, 0);
            if (!s.ReceiveDone) AbortReceive(s, 0);
            else ReturnUnconsumed(s);
            s.SendFailure ??= QuicTransportException.StreamNotFound(streamId, "write");
            FailWrites(s, s.SendFailure);
            if (s.Native != 0) NativeMethods.StreamDetach(Native, s.Native);
            _streams.Remove(streamId.Value);
            if (streamId.Initiator != Role && !s.SlotReturnedByStack)
            {
                // The one place a peer's stream slot comes back (RFC 9000 §4.6): ngtcp2 never does it on its own.
                NativeMethods.ExtendMaxStreams(Native, streamId.Direction == StreamDirection.Bidirectional ? 1 : 0, 1);
            }
            _endpoint.MarkDirty(this);
            _endpoint.Wake();
        }
    }

    public unsafe bool SendDatagram(ReadOnlySpan<byte> payload)
    {
        lock (_sync)
        {
            ThrowIfClosed("send a datagram");
            if (_maxDatagramSize == 0)
                throw new QuicTransportException(QuicTransportError.DatagramRejected, "Cannot send a datagram: the peer did not negotiate datagrams (max_datagram_frame_size, RFC 9221 §3).");
            if (payload.Length > _maxDatagramSize)
                throw new QuicTransportException(QuicTransportError.DatagramRejected, $"Cannot send a datagram of {payload.Length} bytes: the largest the peer accepts is {_maxDatagramSize}.");
            int rv;
            fixed (byte* p = payload) rv = NativeMethods.QueueDatagram(Native, p, (nuint)payload.Length);
            if (rv != 0) return false;
            _endpoint.MarkDirty(this);
            _endpoint.Wake();
            return true;
        }
    }

    public async ValueTask CloseAsync(long applicationErrorCode, string reason = "")
    {
        ApplicationErrorCodes.Validate(applicationErrorCode, nameof(applicationErrorCode));
        ArgumentNullException.ThrowIfNull(reason);
        lock (_sync)
        {
            if (!IsClosed) CloseLocked(applicationErrorCode, reason);
        }
        await _closed.Task.ConfigureAwait(false);
    }

    private unsafe void CloseLocked(long code, string reason)
    {
        var reasonBytes = System.Text.Encoding.UTF8.GetBytes(reason);
        if (reasonBytes.Length > 200) reasonBytes = reasonBytes.AsSpan(0, 200).ToArray();
        var buffer = _endpoint.SendBuffer;
        long n;
        fixed (byte* r = reasonBytes)
        fixed (byte* b = buffer)
            n = NativeMethods.WriteClose(Native, b, (nuint)buffer.Length, 1, (ulong)code, r, (nuint)reasonBytes.Length, NativeMethods.Timestamp());
        if (n > 0) _endpoint.Send(buffer.AsSpan(0, (int)n), RemoteAddress);
        Terminate(new ConnectionCloseInfo(ConnectionCloseInitiator.Local, true, code, reason));
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(0).ConfigureAwait(false);
        // Events nobody will read still hold pooled buffers: give them back.
        while (_events.Reader.TryRead(out var e)) (e as IDisposable)?.Dispose();
    }

    private StreamState Find(QuicStreamId id, string operation) =>
        _streams.TryGetValue(id.Value, out var s) ? s : throw QuicTransportException.StreamNotFound(id, operation);

    private void ThrowIfClosed(string operation)
    {
        if (_close is not null) throw QuicTransportException.ConnectionClosed(_close, operation);
    }

    /// <inheritdoc />
    public override string ToString() => $"ngtcp2 {Role} connection {LocalEndPoint} -> {RemoteEndPoint}";
}
