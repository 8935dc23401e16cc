using System.Buffers.Binary;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Runtime.InteropServices;
using System.Text;
using QuicActors.Transport.Events;

namespace QuicActors.Transport.Ngtcp2.Internal;

/// <summary>Packets in, packets out, timers, and the translation of the shim's event queue into engine events.</summary>
internal sealed partial class Ngtcp2Connection
{
    /// <summary>Length of the connection IDs the shim issues; short-header packets are routed by it.</summary>
    internal const int ConnectionIdLength = 18;

    internal static unsafe bool TryGetDestinationId(ReadOnlySpan<byte> datagram, out ConnectionIdKey key, out bool isInitial)
    {
        var id = stackalloc byte[ConnectionIdKey.MaxLength];
        nuint idLength = 0;
        int initial = 0;
        int rv;
        fixed (byte* p = datagram)
            rv = NativeMethods.PacketDestinationId(p, (nuint)datagram.Length, ConnectionIdLength, id, &idLength, &initial);
        isInitial = initial != 0;
        if (rv != 0)
        {
            key = default;
            return false;
        }
        key = new ConnectionIdKey(new ReadOnlySpan<byte>(id, (int)idLength));
        return true;
    }

    /// <summary>Feeds a datagram; caller holds the lock. Returns false when the connection failed on it.</summary>
    internal unsafe bool OnDatagram(ReadOnlySpan<byte> datagram)
    {
        if (_handle is null) return false;
        int rv;
        fixed (byte* p = datagram)
            rv = NativeMethods.ReadPacket(Native, p, (nuint)datagram.Length, NativeMethods.Timestamp());
        DrainEvents();
        if (rv != 0 && _handle is not null && !IsClosed)
        {
            OnFatal(rv);
            return false;
        }
        _endpoint.MarkDirty(this);
        return !IsClosed;
    }

    internal void OnExpiry(ulong now)
    {
        if (_handle is null || IsClosed) return;
        if (NativeMethods.GetExpiry(Native) <= now)
        {
            var rv = NativeMethods.HandleExpiry(Native, now);
            DrainEvents();
            if (rv != 0 && !IsClosed)
            {
                OnFatal(rv);
                return;
            }
        }

        ReportDiscardedEnds(now);
    }

    /// <summary>The earliest deadline of a stopped receive half whose end is still to be reported (ns); max when none.</summary>
    private ulong EarliestDiscardDeadline()
    {
        var earliest = ulong.MaxValue;
        foreach (var s in _awaitingDiscardedEnd) earliest = Math.Min(earliest, s.DiscardDeadline);
        return earliest;
    }

    /// <summary>Reports the end of the discarded data of each stopped receive half whose deadline passed; forgets those that ended otherwise.</summary>
    private void ReportDiscardedEnds(ulong now)
    {
        for (var i = _awaitingDiscardedEnd.Count - 1; i >= 0; i--)
        {
            var s = _awaitingDiscardedEnd[i];
            var live = _streams.TryGetValue(s.Id.Value, out var current) && ReferenceEquals(current, s);
            if (live && !s.PeerResetReported && !s.DiscardedEndReported)
            {
                if (s.DiscardDeadline > now) continue;
                ReportDiscardedEnd(s);
            }

            _awaitingDiscardedEnd.RemoveAt(i);
        }
    }

    private void ReportDiscardedEnd(StreamState s)
    {
        s.DiscardedEndReported = true;
        _events.Writer.TryWrite(new StreamDataDiscarded(s.Id, null));
    }

    /// <summary>
    /// Sends everything ngtcp2 has ready (bounded, so one busy connection cannot hold the loop), in batches of
    /// <see cref="Ngtcp2Endpoint.BatchSize"/> packets per system call; caller holds the lock.
    /// </summary>
    internal unsafe void Flush()
    {
        if (_handle is null || IsClosed) return;
        var ts = NativeMethods.Timestamp();
        var batched = 0;
        for (var i = 0; i < 4096; i++)
        {
            long n;
            fixed (byte* b = _endpoint.SendSlot(batched))
                n = NativeMethods.Write(Native, b, Ngtcp2Endpoint.MaxSendPayload, ts);
            if (n == 0) break;
            if (n < 0)
            {
                // What was written before the failure still goes: it may carry acknowledgements the peer needs.
                _endpoint.SendBatch(batched, RemoteAddress);
                DrainEvents();
                OnFatal((int)n);
                return;
            }
            _endpoint.SetSendLength(batched++, (int)n);
            if (batched == Ngtcp2Endpoint.BatchSize)
            {
                _endpoint.SendBatch(batched, RemoteAddress);
                batched = 0;
                ts = NativeMethods.Timestamp();
            }
        }
        _endpoint.SendBatch(batched, RemoteAddress);
        DrainEvents();
    }

    private unsafe void OnFatal(int liberr)
    {
        var buffer = _endpoint.SendBuffer;
        long n;
        fixed (byte* b = buffer)
            n = NativeMethods.WriteErrorClose(Native, b, (nuint)buffer.Length, liberr, NativeMethods.Timestamp());
        if (n > 0) _endpoint.Send(buffer.AsSpan(0, (int)n), RemoteAddress);
        QaCloseInfo info;
        NativeMethods.GetClose(Native, &info);
        var reason = info.ReasonLength > 0 ? Encoding.UTF8.GetString(info.Reason, info.ReasonLength) : "";
        var initiator = liberr switch
        {
            Ngtcp2Error.Draining => ConnectionCloseInitiator.Peer,
            Ngtcp2Error.IdleClose => ConnectionCloseInitiator.IdleTimeout,
            _ => ConnectionCloseInitiator.Transport,
        };
        var isApplication = info.Kind == 2;
        var code = initiator == ConnectionCloseInitiator.IdleTimeout ? 0 : (long)info.Code;
        if (initiator == ConnectionCloseInitiator.Transport && reason.Length == 0) reason = NativeMethods.ErrorText(liberr);
        if (IsEarlyDataRefusal(initiator, isApplication, code)) reason = EarlyDataRefusalReason(reason);
        var close = new ConnectionCloseInfo(initiator, isApplication, code, reason);
        if (!_ready.Task.IsCompleted) _ready.TrySetException(ConnectFailure(liberr, close));
        Terminate(close);
    }

    /// <summary>TLS alert 110 unsupported_extension as a QUIC CRYPTO_ERROR (RFC 9001 §4.8).</summary>
    private const long UnsupportedExtensionCryptoError = (long)TransportErrorCode.CryptoErrorBase + 110;

    /// <summary>
    /// Whether the peer aborted our handshake the way a server refuses early data offered on a ticket that never
    /// granted it (quic-go: "client sent unexpected early data"): CRYPTO_ERROR 0x16e, during a handshake in which we
    /// offered 0-RTT. RFC 8446 §4.2.10 makes that an abort, not a graceful 0-RTT rejection, so it cannot surface as
    /// <see cref="Events.EarlyDataRejected"/>; the close says what happened and what to do instead.
    /// </summary>
    private bool IsEarlyDataRefusal(ConnectionCloseInitiator initiator, bool isApplication, long code) =>
        Role == QuicConnectionRole.Client && initiator == ConnectionCloseInitiator.Peer && !isApplication &&
        code == UnsupportedExtensionCryptoError && !_handshakeCompleted && EarlyDataAttempted;

    private static string EarlyDataRefusalReason(string peerReason) =>
        "the server aborted the handshake with TLS alert 110 unsupported_extension (CRYPTO_ERROR 0x16e) because this client offered 0-RTT early data " +
        "on a resumption ticket that did not allow it (RFC 8446 §4.2.10); reconnect without EnableEarlyData or without the ticket" +
        (peerReason.Length > 0 ? $" (server's reason: {peerReason})" : "");

    private unsafe QuicTransportException ConnectFailure(int liberr, ConnectionCloseInfo close)
    {
        if (liberr == Ngtcp2Error.HandshakeTimeout || liberr == Ngtcp2Error.IdleClose)
            return new QuicTransportException(QuicTransportError.ConnectionRefused, $"No QUIC handshake with {RemoteEndPoint} ({_serverName}) completed in time: nothing answered, or the server dropped our packets.") { Close = close };
        var text = stackalloc byte[512];
        var length = NativeMethods.HandshakeError(Native, text, 512);
        var local = length > 0 ? Encoding.UTF8.GetString(text, (int)length) : null;
        if (liberr == Ngtcp2Error.Crypto)
            return new QuicTransportException(QuicTransportError.HandshakeFailed, $"The TLS handshake with {RemoteEndPoint} ({_serverName}) failed: {local ?? "TLS error"}.") { Close = close };
        if (!close.IsApplicationError && close.ErrorCode is >= (long)TransportErrorCode.CryptoErrorBase and < 0x200)
        {
            var alert = (int)(close.ErrorCode - (long)TransportErrorCode.CryptoErrorBase);
            // no_application_protocol (RFC 9001 §8.1) carries no list: the server's choices are not knowable here.
            var alpn = alert == 120 ? $" (this client offered ALPN [{string.Join(", ", OfferedApplicationProtocols)}], none of which the server accepts)" : "";
            return new QuicTransportException(QuicTransportError.HandshakeFailed, $"The server {RemoteEndPoint} ({_serverName}) refused the TLS handshake with alert {alert} ({TlsAlertName(alert)}){alpn}.") { Close = close };
        }
        return new QuicTransportException(QuicTransportError.HandshakeFailed, $"The handshake with {RemoteEndPoint} ({_serverName}) failed: {close}.") { Close = close };
    }

    private static string TlsAlertName(int alert) => alert switch
    {
        40 => "handshake_failure",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        46 => "certificate_unknown",
        48 => "unknown_ca",
        80 => "internal_error",
        109 => "missing_extension",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => "see RFC 8446 §6",
    };

    /// <summary>Ends the connection: fails every wait, publishes the close, and schedules the native release.</summary>
    private void Terminate(ConnectionCloseInfo close)
    {
        if (_close is not null) return;
        _close = close;
        var error = QuicTransportException.ConnectionClosed(close, "continue");
        foreach (var w in _bidiWaiters.Concat(_uniWaiters))
        {
            w.Registration.Unregister();
            w.Completion.TrySetException(error);
        }
        _bidiWaiters.Clear();
        _uniWaiters.Clear();
        foreach (var s in _streams.Values) FailWrites(s, error);
        _streams.Clear();
        _ready.TrySetException(error);
        _ready.Task.Exception?.Handle(_ => true);
        _events.Writer.TryWrite(new ConnectionClosed(close));
        _events.Writer.TryComplete();
        _closed.TrySetResult(close);
        Listener?.OnConnectionTerminated(this);
        _endpoint.Finish(this);
    }

    /// <summary>The endpoint loop failed unexpectedly: the connection ends as closed by the transport.</summary>
    internal void Fail(Exception error)
    {
        var close = new ConnectionCloseInfo(ConnectionCloseInitiator.Transport, false, (long)TransportErrorCode.InternalError, error.Message);
        _ready.TrySetException(new QuicTransportException(QuicTransportError.Internal, $"The ngtcp2 endpoint loop failed: {error.Message}", error));
        Terminate(close);
    }

    /// <summary>The endpoint is going away with the connection still open.</summary>
    internal void Abandon()
    {
        if (_close is null) Terminate(new ConnectionCloseInfo(ConnectionCloseInitiator.Local, true, 0, "endpoint stopped"));
        _endpoint.Finish(this);
    }

    /// <summary>Frees the native connection; called by the endpoint loop once nothing can touch it.</summary>
    internal void ReleaseNative()
    {
        var h = _handle;
        _handle = null;
        h?.Dispose();
    }

    private unsafe void DrainEvents()
    {
        if (_handle is null) return;
        QaEvent e;
        while (_handle is not null && NativeMethods.NextEvent(Native, &e) == 1)
        {
            var data = e.DataLength > 0 ? new ReadOnlySpan<byte>((void*)e.Data, (int)e.DataLength) : ReadOnlySpan<byte>.Empty;
            switch (e.Type)
            {
                case QaEventType.HandshakeCompleted: OnHandshakeCompleted((e.Flags & 1) != 0); break;
                case QaEventType.StreamOpened: OnPeerStreamOpened(e.StreamId, e.Stream); break;
                case QaEventType.StreamData: OnStreamData(e.StreamId, (long)e.Offset, data, (e.Flags & 1) != 0); break;
                case QaEventType.StreamReset: OnPeerReset(e.StreamId, (long)e.Code, (long)e.Offset); break;
                case QaEventType.StopSending: OnPeerStopSending(e.StreamId, (long)e.Code); break;
                case QaEventType.StreamAcked: OnAcked(e.StreamId, (long)e.Offset, (e.Flags & 1) != 0); break;
                case QaEventType.StreamClosed:
                    if (_streams.TryGetValue(e.StreamId, out var closed)) OnStreamClosed(closed);
                    break;
                case QaEventType.CreditBidi: OnCredit(StreamDirection.Bidirectional, (long)e.Code); break;
                case QaEventType.CreditUni: OnCredit(StreamDirection.Unidirectional, (long)e.Code); break;
                case QaEventType.Datagram: _events.Writer.TryWrite(new DatagramReceived(data)); break;
                case QaEventType.EarlyDataRejected: OnEarlyDataRejected(); break;
                case QaEventType.Ticket: OnTicket(data, e.Code == uint.MaxValue, (long)e.Offset); break;
                case QaEventType.NewConnectionId: OnNewConnectionId(data); break;
                case QaEventType.RetireConnectionId:
                    var retired = new ConnectionIdKey(data);
                    RouteKeys.Remove(retired);
                    _endpoint.RemoveRoute(retired, this);
                    break;
            }
        }
    }

    private void OnNewConnectionId(ReadOnlySpan<byte> id)
    {
        if (Listener is null) return;
        var key = new ConnectionIdKey(id);
        RouteKeys.Add(key);
        _endpoint.AddRoute(key, this);
    }

    private unsafe void OnHandshakeCompleted(bool earlyDataAccepted)
    {
        _handshakeCompleted = true;
        if (Role == QuicConnectionRole.Client && CertificateValidation is not null && !ValidatePeerCertificate()) return;
        var alpn = stackalloc byte[256];
        var length = NativeMethods.GetAlpn(Native, alpn, 256);
        ApplicationProtocol = Encoding.UTF8.GetString(alpn, length);
        QaRemoteParams rp;
        NativeMethods.GetRemoteParameters(Native, &rp);
        _maxDatagramSize = (int)Math.Min(int.MaxValue, NativeMethods.MaxDatagramPayload(Native));
        var peer = new QuicTransportParameters
        {
            MaxInboundBidirectionalStreams = (int)Math.Min(int.MaxValue, rp.MaxStreamsBidi),
            MaxInboundUnidirectionalStreams = (int)Math.Min(int.MaxValue, rp.MaxStreamsUni),
            StreamReceiveWindow = (long)Math.Min((ulong)ApplicationErrorCodes.MaxValue, Math.Max(1, rp.StreamWindowBidiRemote)),
            ConnectionReceiveWindow = (long)Math.Min((ulong)ApplicationErrorCodes.MaxValue, Math.Max(1, rp.ConnectionWindow)),
            IdleTimeout = TimeSpan.FromTicks((long)(rp.IdleTimeoutNs / 100)),
            MaxDatagramFrameSize = (int)Math.Min(65535, rp.MaxDatagramFrameSize),
        };
        _events.Writer.TryWrite(new HandshakeCompleted(ApplicationProtocol, earlyDataAccepted, peer));
        ServeWaiters(StreamDirection.Bidirectional);
        ServeWaiters(StreamDirection.Unidirectional);
        _ready.TrySetResult();
        Listener?.OnConnectionReady(this);
    }

    /// <summary>Runs the application's certificate callback instead of GnuTLS's check; closes the connection when it refuses.</summary>
    private unsafe bool ValidatePeerCertificate()
    {
        var certificates = new List<X509Certificate2>();
        var buffer = new byte[16384];
        for (uint i = 0; i < 16; i++)
        {
            nuint length;
            fixed (byte* b = buffer) length = NativeMethods.PeerCertificate(Native, i, b, (nuint)buffer.Length);
            if (length == 0) break;
            if ((int)length > buffer.Length)
            {
                buffer = new byte[(int)length];
                fixed (byte* b = buffer) length = NativeMethods.PeerCertificate(Native, i, b, (nuint)buffer.Length);
            }
            certificates.Add(X509CertificateLoader.LoadCertificate(buffer.AsSpan(0, (int)length)));
        }
        var errors = SslPolicyErrors.None;
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var leaf = certificates.Count > 0 ? certificates[0] : null;
        if (leaf is null)
        {
            errors |= SslPolicyErrors.RemoteCertificateNotAvailable;
        }
        else
        {
            chain.ChainPolicy.ExtraStore.AddRange(certificates.Skip(1).ToArray());
            if (!chain.Build(leaf)) errors |= SslPolicyErrors.RemoteCertificateChainErrors;
            if (!leaf.MatchesHostname(_serverName)) errors |= SslPolicyErrors.RemoteCertificateNameMismatch;
        }
        var accepted = CertificateValidation!(this, leaf, chain, errors);
        foreach (var c in certificates) c.Dispose();
        if (accepted) return true;
        var buffer2 = _endpoint.SendBuffer;
        const long badCertificate = (long)TransportErrorCode.CryptoErrorBase + 42;
        long n;
        fixed (byte* b = buffer2) n = NativeMethods.WriteClose(Native, b, (nuint)buffer2.Length, 0, badCertificate, null, 0, NativeMethods.Timestamp());
        if (n > 0) _endpoint.Send(buffer2.AsSpan(0, (int)n), RemoteAddress);
        var close = new ConnectionCloseInfo(ConnectionCloseInitiator.Local, false, badCertificate, "certificate refused by RemoteCertificateValidation");
        _ready.TrySetException(new QuicTransportException(QuicTransportError.HandshakeFailed, $"The certificate of {RemoteEndPoint} ({_serverName}) was refused by {nameof(QuicClientOptions.RemoteCertificateValidation)} (policy errors: {errors}).") { Close = close });
        Terminate(close);
        return false;
    }

    /// <summary>Client: 0-RTT keys are installed, so early streams may open before the handshake completes.</summary>
    internal void MarkEarlyReady()
    {
        _maxDatagramSize = (int)Math.Min(int.MaxValue, NativeMethods.MaxDatagramPayload(Native));
        _ready.TrySetResult();
    }

    internal bool EarlyDataAttempted => _handle is not null && NativeMethods.EarlyDataAttempted(Native) != 0;

    private void OnPeerStreamOpened(long rawId, nint native)
    {
        var id = new QuicStreamId(rawId);
        if (id.Initiator == Role) return;
        var bidi = id.Direction == StreamDirection.Bidirectional;
        ref var next = ref bidi ? ref _nextPeerBidiIndex : ref _nextPeerUniIndex;
        if (id.Index < next)
        {
            if (_streams.TryGetValue(rawId, out var known)) known.Native = native;
            else if (native != 0)
            {
                // Released before its first frame arrived: keep it released.
                NativeMethods.StreamDetach(Native, native);
                _ = NativeMethods.StreamShutdownRead(Native, rawId, 0);
            }
            return;
        }
        // Streams of the same type with lower IDs were opened implicitly (RFC 9000 §3.2): report each first.
        for (var index = next; index <= id.Index; index++)
        {
            var sid = QuicStreamId.Create(id.Initiator, id.Direction, index);
            _streams[sid.Value] = new StreamState(sid, index == id.Index ? native : 0, sid.HasSendHalf(Role), sid.HasReceiveHalf(Role));
            _events.Writer.TryWrite(new PeerStreamOpened(sid));
        }
        next = id.Index + 1;
        if (!_handshakeCompleted) Listener?.OnConnectionReady(this);
    }

    private void OnStreamData(long rawId, long offset, ReadOnlySpan<byte> data, bool fin)
    {
        if (!_streams.TryGetValue(rawId, out var s) || s.Discarding || s.ReceiveDone)
        {
            // Nobody will consume these bytes: give their credit back so the connection window does not shrink.
            if (data.Length > 0) _ = NativeMethods.StreamExtend(Native, rawId, (ulong)data.Length);
            return;
        }
        s.Unconsumed += data.Length;
        if (fin) s.ReceiveDone = true;
        _events.Writer.TryWrite(StreamDataReceived.Copy(s.Id, offset, data, fin));
    }

    private void OnPeerReset(long rawId, long code, long finalSize)
    {
        // After our STOP_SENDING the receive half is already terminal, yet the peer's answering RESET_STREAM still
        // reports its code and final size (RFC 9000 §3.5), so the application learns how the peer ended the stream.
        if (!_streams.ContainsKey(rawId) && IsUnseenPeerStream(rawId)) OpenStreamFirstSeenInReset(rawId);
        if (!_streams.TryGetValue(rawId, out var s) || s.PeerResetReported || s.DiscardedEndReported || (s.ReceiveDone && !s.Discarding)) return;
        s.ReceiveDone = true;
        s.PeerResetReported = true;
        _events.Writer.TryWrite(new PeerResetStream(s.Id, code, finalSize));
    }

    private bool IsUnseenPeerStream(long rawId)
    {
        var id = new QuicStreamId(rawId);
        return id.Initiator != Role && id.Index >= (id.Direction == StreamDirection.Bidirectional ? _nextPeerBidiIndex : _nextPeerUniIndex);
    }

    /// <summary>
    /// A peer stream whose first frame is RESET_STREAM (the peer reset it before any byte left, as quic-go does when
    /// CancelWrite follows Write at once). ngtcp2 0.12 calls no stream_open for it and keeps no stream object, so the
    /// application would never hear of it: report it opened here (RFC 9000 §3.2: any frame of a stream opens it), then
    /// the reset. Without a native stream nothing can be sent on it, so a bidirectional stream's send half fails writes.
    /// ngtcp2 also raises the peer's MAX_STREAMS for it at once; the release must not do so again, or the peer would
    /// hold one slot more than the limit.
    /// </summary>
    private void OpenStreamFirstSeenInReset(long rawId)
    {
        OnPeerStreamOpened(rawId, 0);
        if (!_streams.TryGetValue(rawId, out var s)) return;
        s.SlotReturnedByStack = true;
        if (!s.SendDone)
        {
            s.SendDone = true;
            s.SendFailure = QuicTransportException.DirectionClosed(s.Id, "the peer reset the stream before its first byte, and ngtcp2 0.12 keeps no stream to send on in that case");
        }
    }

    /// <summary>
    /// ngtcp2 closed the stream: both directions are finished and whatever we sent, FIN or RESET_STREAM, is
    /// acknowledged. A reset is normally reported acknowledged as soon as it is queued (see ResetStream and
    /// OnPeerStopSending); this is the backstop for one that went out without passing there.
    /// </summary>
    private void OnStreamClosed(StreamState s)
    {
        s.Native = 0;
        if (s.Discarding && !s.PeerResetReported && !s.DiscardedEndReported)
        {
            // ngtcp2 closed a stream whose receive half we stopped: whatever its peer still sent is over. Its final size is
            // not exposed. (A stream it keeps open waiting for a reset ends by its deadline instead: AbortReceive.)
            ReportDiscardedEnd(s);
        }

        if (s.ResetSent && !s.ResetAckReported)
        {
            s.ResetAckReported = true;
            _events.Writer.TryWrite(new StreamResetAcknowledged(s.Id));
        }
    }

    private void OnPeerStopSending(long rawId, long code)
    {
        if (!_streams.TryGetValue(rawId, out var s)) return;
        if (s.SendDone && s.SendFailure is null && s.PendingWrites.Count == 0 && s.Acked == s.Queued && s.FinQueued) return;
        // ngtcp2 answers STOP_SENDING with RESET_STREAM by itself, unless our own reset went out already.
        s.ResetSent |= s.Native != 0 && s.SendFailure is null;
        s.SendDone = true;
        s.SendFailure = QuicTransportException.StreamAborted(s.Id, code, "the peer sent STOP_SENDING");
        FailWrites(s, s.SendFailure);
        _events.Writer.TryWrite(new PeerStopSending(s.Id, code));
        // ngtcp2 answered with RESET_STREAM carrying the same code (RFC 9000 §3.5) and retransmits it until it is
        // acknowledged; as for a reset of our own, that is reported as its acknowledgement (see ResetStream).
        if (!s.ResetAckReported)
        {
            s.ResetAckReported = true;
            _events.Writer.TryWrite(new StreamResetAcknowledged(s.Id));
        }
    }

    private void OnAcked(long rawId, long acked, bool finAcked)
    {
        if (!_streams.TryGetValue(rawId, out var s)) return;
        if (acked > s.Acked) s.Acked = acked;
        PumpWrites(s);
        if (finAcked && s.SendFailure is null && !s.SendDone)
        {
            s.SendDone = true;
            _events.Writer.TryWrite(new StreamFinAcknowledged(s.Id));
        }
    }

    private void OnCredit(StreamDirection direction, long maxStreams)
    {
        ServeWaiters(direction);
        var left = direction == StreamDirection.Bidirectional ? NativeMethods.StreamsBidiLeft(Native) : NativeMethods.StreamsUniLeft(Native);
        _events.Writer.TryWrite(new StreamCreditGranted(direction, maxStreams, (long)left));
    }

    private void ServeWaiters(StreamDirection direction)
    {
        var waiters = WaitersFor(direction);
        while (waiters.Count > 0 && TryOpenLocked(direction, out var id))
        {
            var w = waiters.Dequeue();
            // Never Dispose under the lock: Dispose waits for a cancellation callback that is running, and that
            // callback waits for this lock (the loop thread hung in SpinWait this way in the churn benchmark).
            w.Registration.Unregister();
            if (!w.Completion.TrySetResult(id))
            {
                // Cancelled at the same moment: the stream exists now, so hand it to the next waiter instead.
                var s = _streams[id.Value];
                AbortSend(s, 0);
                if (!s.ReceiveDone) AbortReceive(s, 0);
                _streams.Remove(id.Value);
            }
        }
    }

    /// <summary>Set under the connection lock when the rejection is queued; read without it.</summary>
    private bool _earlyDataRejected;

    /// <inheritdoc />
    public bool IsEarlyDataRejected => Volatile.Read(ref _earlyDataRejected);

    private void OnEarlyDataRejected()
    {
        var discarded = _streams.Values.Where(s => s.Id.Initiator == Role).Select(s => s.Id).OrderBy(id => id.Value).ToArray();
        foreach (var id in discarded)
        {
            var s = _streams[id.Value];
            s.Native = 0;
            FailWrites(s, new QuicTransportException(QuicTransportError.EarlyDataRejected, $"Stream {id} was opened in 0-RTT and the server rejected early data.") { StreamId = id });
            _streams.Remove(id.Value);
        }
        Volatile.Write(ref _earlyDataRejected, true);
        _events.Writer.TryWrite(new EarlyDataRejected(discarded));
    }

    /// <summary>GnuTLS's default ticket lifetime (6 hours), used when the ticket's own lifetime is not visible.</summary>
    private const long DefaultTicketLifetimeSeconds = 6 * 3600;

    /// <summary>Packs a ticket: [int32 session length][TLS session data][1 if the server allows 0-RTT][transport parameters].</summary>
    private unsafe void OnTicket(ReadOnlySpan<byte> sessionData, bool allowsEarlyData, long lifetimeSeconds)
    {
        if (Role != QuicConnectionRole.Client || sessionData.IsEmpty) return;
        var parameters = stackalloc byte[512];
        var length = NativeMethods.EncodeEarlyParameters(Native, parameters, 512);
        if (length <= 0) return;
        var data = new byte[4 + sessionData.Length + 1 + (int)length];
        BinaryPrimitives.WriteInt32LittleEndian(data, sessionData.Length);
        sessionData.CopyTo(data.AsSpan(4));
        data[4 + sessionData.Length] = allowsEarlyData ? (byte)1 : (byte)0;
        new ReadOnlySpan<byte>(parameters, (int)length).CopyTo(data.AsSpan(4 + sessionData.Length + 1));
        var ticket = new QuicResumptionTicket(Ngtcp2Engine.EngineName, _serverName, ApplicationProtocol ?? "", data, DateTimeOffset.UtcNow.AddSeconds(lifetimeSeconds > 0 ? lifetimeSeconds : DefaultTicketLifetimeSeconds));
        _events.Writer.TryWrite(new ResumptionTicketReceived(ticket));
    }

    /// <summary>Splits a ticket's data into the TLS session data and the remembered transport parameters.</summary>
    internal static bool TrySplitTicket(ReadOnlyMemory<byte> data, out ReadOnlyMemory<byte> session, out bool allowsEarlyData, out ReadOnlyMemory<byte> parameters)
    {
        session = parameters = default;
        allowsEarlyData = false;
        if (data.Length < 4) return false;
        var length = BinaryPrimitives.ReadInt32LittleEndian(data.Span);
        if (length <= 0 || length > data.Length - 5) return false;
        session = data.Slice(4, length);
        allowsEarlyData = data.Span[4 + length] == 1;
        parameters = data[(5 + length)..];
        return true;
    }
}
