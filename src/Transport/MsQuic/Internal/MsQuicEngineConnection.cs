using System.Net;
using System.Net.Quic;
using System.Runtime.Versioning;
using System.Threading.Channels;
using QuicActors.Transport.Events;

namespace QuicActors.Transport.MsQuic.Internal;

/// <summary>
/// One System.Net.Quic connection seen through the engine contract. A pump accepts the peer's streams, a read loop per
/// receive half turns <c>ReadAsync</c> into <see cref="StreamDataReceived"/> within the stream's receive budget, a writer
/// loop per send half drains the send queue, and a watcher per send half turns <c>WritesClosed</c> into FIN
/// acknowledgement or the peer's STOP_SENDING. All bookkeeping happens under one lock; System.Net.Quic is only called
/// outside it.
/// </summary>
/// <remarks>
/// <para>What System.Net.Quic (.NET 10) does not reveal, and what the engine reports instead:</para>
/// <list type="bullet">
/// <item>RESET_STREAM acknowledgement: System.Net.Quic has no event for it. <see cref="StreamResetAcknowledged"/> is published as
/// soon as msquic has taken the abort (our reset, or its own answer to the peer's STOP_SENDING): from then on msquic
/// retransmits RESET_STREAM until acknowledged, and <see cref="ReleaseStream"/>'s <c>DisposeAsync</c> waits for that
/// acknowledgement (the stream's SHUTDOWN_COMPLETE) before the slot goes back. Only the timing is earlier than on the wire.</item>
/// <item>The final size of a peer's RESET_STREAM: not exposed; <see cref="PeerResetStream.FinalSize"/> carries the bytes delivered
/// before the reset, a lower bound.</item>
/// <item>The answer to the peer's STOP_SENDING: msquic resets the stream by itself, with application code 0 rather than the
/// peer's code (microsoft/msquic#5387), before System.Net.Quic reports anything; the engine's own <c>Abort</c> with the peer's
/// code then has nothing left to abort.</item>
/// <item>After our STOP_SENDING, msquic swallows the peer's answering RESET_STREAM, so no <see cref="PeerResetStream"/> follows;
/// the receive half counts as finished as soon as STOP_SENDING is sent.</item>
/// <item>The peer's transport parameters: only the stream limits are known (from the stream capacity callback); the other
/// fields of <see cref="HandshakeCompleted.PeerParameters"/> keep their defaults.</item>
/// <item>The reason phrase of CONNECTION_CLOSE: System.Net.Quic neither sends nor reports one; a peer's close arrives with an empty reason.</item>
/// <item>With both inbound stream limits at 0, System.Net.Quic refuses <c>AcceptInboundStreamAsync</c>, so a peer's close is only
/// noticed by the next failing stream operation or by <see cref="CloseAsync"/>.</item>
/// </list>
/// </remarks>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("windows")]
[SupportedOSPlatform("osx")]
internal sealed partial class MsQuicEngineConnection : IQuicEngineConnection
{
    private readonly QuicConnection _connection;
    private readonly QuicTransportParameters _transport;
    private readonly MsQuicEngineOptions _engineOptions;
    private readonly Lock _gate = new();
    private readonly Lock _openOrder = new();
    private readonly Channel<EngineEvent> _events = Channel.CreateUnbounded<EngineEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<long, MsQuicStreamEntry> _streams = [];
    private readonly StreamCreditLedger _bidirectionalCredit = new();
    private readonly StreamCreditLedger _unidirectionalCredit = new();
    private readonly ReceiveBudget _connectionBudget;
    private readonly TaskCompletionSource<ConnectionCloseInfo> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly HashSet<Task> _background = [];
    private readonly Action<object?> _onDisposed;
    private long _nextBidirectionalIndex;
    private long _nextUnidirectionalIndex;
    private ConnectionCloseInfo? _close;
    private ConnectionCloseInfo? _localClose;
    private Task? _closing;
    private Task? _pump;
    private int _disposed;

    /// <summary>Wraps a connected <paramref name="connection"/>; <see cref="Start"/> begins reporting. <paramref name="onDisposed"/> hears when it is disposed.</summary>
    public MsQuicEngineConnection(QuicConnection connection, QuicConnectionRole role, QuicTransportParameters transport, MsQuicEngineOptions engineOptions, Action<object?>? onDisposed = null)
    {
        _connection = connection;
        Role = role;
        _transport = transport;
        _engineOptions = engineOptions;
        _connectionBudget = new ReceiveBudget(transport.ConnectionReceiveWindow);
        _onDisposed = onDisposed ?? (static _ => { });
        LocalEndPoint = connection.LocalEndPoint;
        RemoteEndPoint = connection.RemoteEndPoint;
        ApplicationProtocol = connection.NegotiatedApplicationProtocol.ToString();
    }

    /// <inheritdoc />
    public QuicConnectionRole Role { get; }

    /// <inheritdoc />
    public EndPoint LocalEndPoint { get; }

    /// <inheritdoc />
    public EndPoint RemoteEndPoint { get; }

    /// <inheritdoc />
    public string? ApplicationProtocol { get; }

    /// <inheritdoc />
    public ChannelReader<EngineEvent> Events => _events.Reader;

    /// <inheritdoc />
    public Task<ConnectionCloseInfo> Closed => _closed.Task;

    /// <summary>Always 0: System.Net.Quic in .NET 10 has no datagrams (RFC 9221).</summary>
    public int MaxDatagramSize => 0;

    /// <summary>Attaches the stream capacity relay (which publishes <see cref="HandshakeCompleted"/> first) and starts the pump.</summary>
    public void Start(StreamCapacityRelay relay)
    {
        relay.Attach(this);
        var canAccept = _transport.MaxInboundBidirectionalStreams > 0 || _transport.MaxInboundUnidirectionalStreams > 0;
        if (canAccept) _pump = Task.Run(PumpAsync);
    }

    /// <summary>Called once by the relay with the increments received before the connection attached.</summary>
    internal void OnAttached(long bidirectionalIncrement, long unidirectionalIncrement)
    {
        lock (_gate)
        {
            // Cumulative limits never shrink (RFC 9000 §4.6); a negative sum could only come from a misreport and grants nothing.
            _bidirectionalCredit.Grant(Math.Max(0, bidirectionalIncrement));
            _unidirectionalCredit.Grant(Math.Max(0, unidirectionalIncrement));
            var peer = new QuicTransportParameters
            {
                MaxInboundBidirectionalStreams = (int)Math.Min(int.MaxValue, _bidirectionalCredit.MaxStreams),
                MaxInboundUnidirectionalStreams = (int)Math.Min(int.MaxValue, _unidirectionalCredit.MaxStreams),
            };
            Publish(new HandshakeCompleted(ApplicationProtocol ?? string.Empty, false, peer));
            if (_bidirectionalCredit.MaxStreams > 0) PublishCredit(StreamDirection.Bidirectional);
            if (_unidirectionalCredit.MaxStreams > 0) PublishCredit(StreamDirection.Unidirectional);
        }
    }

    /// <summary>The peer raised its stream limits (MAX_STREAMS), as System.Net.Quic's capacity callback reports.</summary>
    internal void OnStreamCapacity(long bidirectionalIncrement, long unidirectionalIncrement)
    {
        lock (_gate)
        {
            if (_close is not null) return;
            if (bidirectionalIncrement > 0)
            {
                _bidirectionalCredit.Grant(bidirectionalIncrement);
                PublishCredit(StreamDirection.Bidirectional);
            }
            if (unidirectionalIncrement > 0)
            {
                _unidirectionalCredit.Grant(unidirectionalIncrement);
                PublishCredit(StreamDirection.Unidirectional);
            }
        }
    }

    private void PublishCredit(StreamDirection direction)
    {
        var ledger = Ledger(direction);
        Publish(new StreamCreditGranted(direction, ledger.MaxStreams, ledger.Available));
    }

    private StreamCreditLedger Ledger(StreamDirection direction) =>
        direction == StreamDirection.Bidirectional ? _bidirectionalCredit : _unidirectionalCredit;

    /// <summary>Queues an event; after <see cref="ConnectionClosed"/> nothing more is queued (pooled buffers are returned instead). Call under <see cref="_gate"/>.</summary>
    private void Publish(EngineEvent engineEvent)
    {
        if (_close is not null || !_events.Writer.TryWrite(engineEvent))
        {
            (engineEvent as IDisposable)?.Dispose();
        }
    }

    /// <summary>Throws the contract's exception once the connection ended or this end began closing it. Call under <see cref="_gate"/>.</summary>
    private void ThrowIfClosed(string operation)
    {
        var close = _close ?? _localClose;
        if (close is not null) throw QuicTransportException.ConnectionClosed(close, operation);
    }

    /// <summary>The record of a stream the application may still use. Call under <see cref="_gate"/>.</summary>
    private MsQuicStreamEntry GetStream(QuicStreamId streamId, string operation) =>
        _streams.TryGetValue(streamId.Value, out var entry) ? entry : throw QuicTransportException.StreamNotFound(streamId, operation);

    /// <summary>Keeps <paramref name="task"/> until it ends, so <see cref="DisposeAsync"/> can wait for it.</summary>
    private void Track(Task task)
    {
        lock (_gate) _background.Add(task);
        task.ContinueWith(static (t, state) =>
        {
            var self = (MsQuicEngineConnection)state!;
            lock (self._gate) self._background.Remove(t);
        }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public override string ToString() => $"msquic {Role} connection {LocalEndPoint} -> {RemoteEndPoint}";
}
