using System.Net;
using System.Threading.Channels;
using QuicActors.Transport.Events;

namespace QuicActors.Transport.InMemory.Internal;

/// <summary>
/// One endpoint of an in-memory connection. Commands take the wire's lock, change state, queue frames and pump the
/// wire; frames from the peer arrive through <see cref="OnFrame"/> under the same lock. Events go to an unbounded
/// channel in the order they happen. This file holds the connection lifecycle (handshake, close, idle timeout);
/// streams, flow control, 0-RTT and datagrams live in the other parts.
/// </summary>
internal sealed partial class InMemoryConnection : IQuicEngineConnection
{
    private readonly InMemoryWire _wire;
    private readonly InMemoryQuicEngine _engine;
    private readonly Channel<EngineEvent> _events;
    private readonly EventReader _reader;
    private readonly TaskCompletionSource<ConnectionCloseInfo> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly QuicTransportParameters _local;
    private readonly StreamsMap _streams = new();
    private QuicTransportParameters? _peer;
    private ConnectionState _state;
    private ConnectionCloseInfo? _closeInfo;
    private TaskCompletionSource? _handshake;
    private ITimer? _idleTimer;
    private ITimer? _handshakeTimer;
    private TimeSpan _idleTimeout;
    private long _lastActivity;
    private long _framesReceived;
    private string? _applicationProtocol;

    private enum ConnectionState : byte
    {
        Handshaking,
        EarlyData,
        Established,
        Closed,
    }

    public InMemoryConnection(InMemoryQuicEngine engine, InMemoryWire wire, QuicConnectionRole role, QuicTransportParameters local, EndPoint localEndPoint, EndPoint remoteEndPoint)
    {
        _engine = engine;
        _wire = wire;
        Role = role;
        _local = local;
        LocalEndPoint = localEndPoint;
        RemoteEndPoint = remoteEndPoint;
        _events = Channel.CreateUnbounded<EngineEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _reader = new EventReader(_events.Reader, this);
        _streams.LocalMaxStreams[0] = local.MaxInboundBidirectionalStreams;
        _streams.LocalMaxStreams[1] = local.MaxInboundUnidirectionalStreams;
        _receiveMaxData = local.ConnectionReceiveWindow;
    }

    public QuicConnectionRole Role { get; }

    public EndPoint LocalEndPoint { get; }

    public EndPoint RemoteEndPoint { get; }

    public string? ApplicationProtocol
    {
        get { lock (_wire.Gate) { return _applicationProtocol; } }
    }

    public ChannelReader<EngineEvent> Events => _reader;

    public Task<ConnectionCloseInfo> Closed => _closed.Task;

    /// <summary>Whether the connection has ended. Caller holds the wire's lock, or accepts a stale answer.</summary>
    internal bool IsClosed => _state == ConnectionState.Closed;

    internal Task HandshakeTask => _handshake?.Task ?? Task.CompletedTask;

    private TimeProvider Time => _wire.Time;

    // ---- Handshake ----------------------------------------------------------------------------------------------

    /// <summary>Sends the ClientHello; with a usable ticket and early data on, 0-RTT starts at once.</summary>
    internal void StartClient(QuicClientOptions options, ResumptionTicketData? ticket, bool earlyData)
    {
        lock (_wire.Gate)
        {
            var hello = new ClientHello(options.ApplicationProtocols.ToArray(), _local, options.ServerName ?? HostOf(options.RemoteEndPoint), ticket, earlyData);
            SendFrame(new Frame { Kind = FrameKind.ClientHello, Payload = hello });
            if (earlyData)
            {
                _state = ConnectionState.EarlyData;
                ApplyPeerParameters(ticket!.Parameters);
            }
            else
            {
                _state = ConnectionState.Handshaking;
                _handshake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            _handshakeTimer = Time.CreateTimer(static s => ((InMemoryConnection)s!).OnHandshakeTimeout(), this, options.HandshakeTimeout, Timeout.InfiniteTimeSpan);
            _wire.StartInjectionTimer();
            _wire.Pump();
        }
    }

    private static string HostOf(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint d => d.Host,
        IPEndPoint i => i.Address.ToString(),
        _ => endPoint.ToString() ?? "",
    };

    /// <summary>Server side: the listener accepted the ClientHello. Caller holds the wire's lock.</summary>
    internal void AcceptHandshake(ClientHello hello, string applicationProtocol, bool earlyDataAccepted, QuicResumptionTicket ticket)
    {
        _applicationProtocol = applicationProtocol;
        _state = ConnectionState.Established;
        _earlyDataRejected = hello.EarlyData && !earlyDataAccepted;
        ApplyPeerParameters(hello.Parameters);
        Emit(new HandshakeCompleted(applicationProtocol, earlyDataAccepted, PublicPeerParameters()));
        EmitCreditEvents();
        // A client that sent 0-RTT keeps sending early until this answer arrives, a round trip later.
        SendFrame(new Frame { Kind = FrameKind.ServerHello, Payload = new ServerHello(applicationProtocol, _local, earlyDataAccepted, ticket) },
            hello.EarlyData ? _wire.EarlyDataRoundTrip : TimeSpan.Zero);
        StartIdleTimer();
        _framesReceived++;
        _wire.CheckInjections(this, _framesReceived, atHandshake: true);
    }

    private void OnServerHello(ServerHello hello)
    {
        _handshakeTimer?.Dispose();
        _applicationProtocol = hello.ApplicationProtocol;
        if (_state == ConnectionState.EarlyData && !hello.EarlyDataAccepted)
        {
            RejectEarlyData(hello.Parameters);
        }
        else
        {
            var early = _state == ConnectionState.EarlyData;
            _state = ConnectionState.Established;
            ApplyPeerParameters(hello.Parameters);
            Emit(new HandshakeCompleted(hello.ApplicationProtocol, early, PublicPeerParameters()));
            EmitCreditEvents();
        }
        Emit(new ResumptionTicketReceived(hello.Ticket));
        StartIdleTimer();
        _handshake?.TrySetResult();
        _wire.CheckInjections(this, _framesReceived, atHandshake: true);
    }

    private void OnHandshakeFailure(string reason, bool refused)
    {
        _handshake?.TrySetException(new QuicTransportException(refused ? QuicTransportError.ConnectionRefused : QuicTransportError.HandshakeFailed, reason));
        // A failed ALPN negotiation is the TLS alert no_application_protocol (120), carried as CRYPTO_ERROR 0x100 + 120 (RFC 9001 §4.8).
        var code = refused ? (long)TransportErrorCode.ConnectionRefused : (long)TransportErrorCode.CryptoErrorBase + 120;
        Terminate(new ConnectionCloseInfo(ConnectionCloseInitiator.Peer, false, code, reason));
    }

    private void OnHandshakeTimeout()
    {
        lock (_wire.Gate)
        {
            if (_state is not (ConnectionState.Handshaking or ConnectionState.EarlyData)) return;
            var reason = $"The server at {RemoteEndPoint} did not complete the handshake in time.";
            _handshake?.TrySetException(new QuicTransportException(QuicTransportError.ConnectionRefused, reason));
            Terminate(new ConnectionCloseInfo(ConnectionCloseInitiator.Transport, false, (long)TransportErrorCode.ConnectionRefused, reason));
            _wire.Pump();
        }
    }

    private void ApplyPeerParameters(QuicTransportParameters peer)
    {
        _peer = peer;
        // The 1-RTT limits of a resumed connection are never below what 0-RTT was allowed to use (RFC 9000 §7.4.1).
        _streams.PeerMaxStreams[0] = Math.Max(_streams.PeerMaxStreams[0], peer.MaxInboundBidirectionalStreams);
        _streams.PeerMaxStreams[1] = Math.Max(_streams.PeerMaxStreams[1], peer.MaxInboundUnidirectionalStreams);
        _sendMaxData = Math.Max(_sendMaxData, peer.ConnectionReceiveWindow);
        _idleTimeout = (_local.IdleTimeout, peer.IdleTimeout) switch
        {
            ({ Ticks: 0 }, var p) => p,
            (var l, { Ticks: 0 }) => l,
            var (l, p) => l < p ? l : p,
        };
        GrantWaiters(StreamDirection.Bidirectional);
        GrantWaiters(StreamDirection.Unidirectional);
    }

    private QuicTransportParameters PublicPeerParameters() => new()
    {
        MaxInboundBidirectionalStreams = _peer!.MaxInboundBidirectionalStreams,
        MaxInboundUnidirectionalStreams = _peer.MaxInboundUnidirectionalStreams,
        StreamReceiveWindow = _peer.StreamReceiveWindow,
        ConnectionReceiveWindow = _peer.ConnectionReceiveWindow,
        IdleTimeout = _peer.IdleTimeout,
        MaxDatagramFrameSize = _peer.MaxDatagramFrameSize,
    };

    private void EmitCreditEvents()
    {
        Emit(new StreamCreditGranted(StreamDirection.Bidirectional, _streams.PeerMaxStreams[0], _streams.Available(StreamDirection.Bidirectional)));
        Emit(new StreamCreditGranted(StreamDirection.Unidirectional, _streams.PeerMaxStreams[1], _streams.Available(StreamDirection.Unidirectional)));
    }

    // ---- Frames -------------------------------------------------------------------------------------------------

    /// <summary>Puts a frame on the wire toward the peer. Caller holds the wire's lock.</summary>
    private void SendFrame(Frame frame, TimeSpan minimumDelay = default)
    {
        frame.ToServer = Role == QuicConnectionRole.Client;
        frame.Early = _state == ConnectionState.EarlyData;
        _lastActivity = Time.GetTimestamp();
        _wire.Send(frame, minimumDelay);
    }

    /// <summary>A frame from the peer. Caller holds the wire's lock.</summary>
    internal void OnFrame(Frame frame)
    {
        if (_state == ConnectionState.Closed || (frame.Early && _earlyDataRejected && frame.Kind != FrameKind.ConnectionClose))
        {
            frame.ReturnBuffer();
            return;
        }
        _lastActivity = Time.GetTimestamp();
        _framesReceived++;
        switch (frame.Kind)
        {
            case FrameKind.ServerHello: OnServerHello((ServerHello)frame.Payload!); break;
            case FrameKind.HandshakeFailure: OnHandshakeFailure((string)frame.Payload!, refused: frame.Code != 0); break;
            case FrameKind.Stream: OnStreamFrame(frame); break;
            case FrameKind.ResetStream: OnResetStreamFrame(frame); break;
            case FrameKind.StopSending: OnStopSendingFrame(frame); break;
            case FrameKind.MaxData: OnMaxDataFrame(frame.Offset); break;
            case FrameKind.MaxStreamData: OnMaxStreamDataFrame(frame); break;
            case FrameKind.MaxStreams: OnMaxStreamsFrame(frame.Direction, frame.Offset); break;
            case FrameKind.FinAck: OnFinAck(frame); break;
            case FrameKind.ResetAck: OnResetAck(frame); break;
            case FrameKind.Datagram: OnDatagramFrame(frame); break;
            case FrameKind.ConnectionClose:
                Terminate(new ConnectionCloseInfo(ConnectionCloseInitiator.Peer, frame.IsApplicationClose, frame.Code, (string?)frame.Payload ?? ""));
                break;
            default:
                frame.ReturnBuffer();
                CloseWithTransportError(TransportErrorCode.ProtocolViolation, $"unexpected {frame.Kind} frame");
                break;
        }
        if (_wire.HasInjections && _state != ConnectionState.Closed) _wire.CheckInjections(this, _framesReceived, atHandshake: false);
    }

    // ---- Close --------------------------------------------------------------------------------------------------

    public ValueTask CloseAsync(long applicationErrorCode, string reason = "")
    {
        ApplicationErrorCodes.Validate(applicationErrorCode, nameof(applicationErrorCode));
        ArgumentNullException.ThrowIfNull(reason);
        lock (_wire.Gate)
        {
            CloseCore(applicationErrorCode, reason);
            _wire.Pump();
        }
        return ValueTask.CompletedTask;
    }

    private void CloseCore(long code, string reason)
    {
        if (_state == ConnectionState.Closed) return;
        SendFrame(new Frame { Kind = FrameKind.ConnectionClose, IsApplicationClose = true, Code = code, Payload = reason });
        _handshake?.TrySetException(new QuicTransportException(QuicTransportError.ConnectionClosed, $"The connection was closed locally with application code {code} before the handshake completed."));
        Terminate(new ConnectionCloseInfo(ConnectionCloseInitiator.Local, true, code, reason));
    }

    /// <summary>Closes for a protocol violation by the peer (RFC 9000 §10.2, transport CONNECTION_CLOSE).</summary>
    private void CloseWithTransportError(TransportErrorCode code, string reason)
    {
        if (_state == ConnectionState.Closed) return;
        SendFrame(new Frame { Kind = FrameKind.ConnectionClose, IsApplicationClose = false, Code = (long)code, Payload = reason });
        Terminate(new ConnectionCloseInfo(ConnectionCloseInitiator.Transport, false, (long)code, reason));
    }

    /// <summary>Ends the connection: fails everything pending, frees buffers, reports the close last. Caller holds the lock.</summary>
    private void Terminate(ConnectionCloseInfo info)
    {
        if (_state == ConnectionState.Closed) return;
        _state = ConnectionState.Closed;
        _closeInfo = info;
        _idleTimer?.Dispose();
        _handshakeTimer?.Dispose();
        _handshake?.TrySetException(QuicTransportException.ConnectionClosed(info, "complete the handshake"));
        var error = QuicTransportException.ConnectionClosed(info, "finish the operation");
        foreach (var waiters in _streams.Waiters)
        {
            foreach (var waiter in waiters)
            {
                waiter.Registration.Unregister(); // never Dispose under the lock: it waits for a running callback, which waits for the lock
                waiter.TrySetException(error);
            }
            waiters.Clear();
        }
        foreach (var entry in _streams.Entries) DropStream(entry, error);
        _streams.Clear();
        _blocked.Clear();
        Emit(new ConnectionClosed(info));
        _events.Writer.TryComplete();
        _closed.TrySetResult(info);
        _engine.Forget(this);
        _wire.DisposeIfIdle();
    }

    private QuicTransportException ClosedError(string operation) => QuicTransportException.ConnectionClosed(_closeInfo!, operation);

    private void ThrowIfClosed(string operation)
    {
        if (_state == ConnectionState.Closed) throw ClosedError(operation);
    }

    // ---- Idle timeout (RFC 9000 §10.1) ---------------------------------------------------------------------------

    private void StartIdleTimer()
    {
        if (_idleTimeout <= TimeSpan.Zero || _state == ConnectionState.Closed) return;
        _lastActivity = Time.GetTimestamp();
        _idleTimer ??= Time.CreateTimer(static s => ((InMemoryConnection)s!).OnIdleTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _idleTimer.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
    }

    private void OnIdleTimer()
    {
        lock (_wire.Gate)
        {
            if (_state == ConnectionState.Closed) return;
            // Activity only stamps a time; the timer checks it when it fires, so traffic never touches the timer.
            var quiet = Time.GetElapsedTime(_lastActivity);
            if (quiet < _idleTimeout)
            {
                _idleTimer!.Change(_idleTimeout - quiet, Timeout.InfiniteTimeSpan);
                return;
            }
            Terminate(new ConnectionCloseInfo(ConnectionCloseInitiator.IdleTimeout, false, (long)TransportErrorCode.NoError, $"no traffic for {_idleTimeout.TotalSeconds:0.###} s"));
            _wire.Pump();
        }
    }

    // ---- Events and fault injection ------------------------------------------------------------------------------

    private void Emit(EngineEvent e) => _events.Writer.TryWrite(e);

    /// <summary>Performs an injected action as if the application had asked for it. Caller holds the lock.</summary>
    internal void Inject(FaultAction action)
    {
        if (_state == ConnectionState.Closed) return;
        switch (action)
        {
            case FaultAction.StopSending s:
                if (_streams.TryGet(s.StreamId, out var stop) && stop.Receive is not null) StopSendingCore(stop, s.ApplicationErrorCode);
                break;
            case FaultAction.ResetStream r:
                if (_streams.TryGet(r.StreamId, out var reset) && reset.Send is not null) ResetCore(reset.Send, r.ApplicationErrorCode, byPeer: false);
                break;
            case FaultAction.Close c:
                CloseCore(c.ApplicationErrorCode, c.Reason);
                break;
            case FaultAction.ExceedStreamLimit e:
                SendExceedingStream(e.Direction);
                break;
            case FaultAction.ChangeFinalSize f:
                if (_streams.TryGet(f.StreamId, out var bad) && bad.Send is not null) SendFinalSizeViolation(bad.Send);
                break;
        }
    }

    /// <summary>The listener went away before the application accepted this connection. Caller holds the lock.</summary>
    internal void CloseFromListener() => CloseCore(0, "listener disposed");

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(0).ConfigureAwait(false);
    }

    public override string ToString() => $"in-memory {Role} {LocalEndPoint} -> {RemoteEndPoint}";
}
