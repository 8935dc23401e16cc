using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Actors.Tests.Streams.Invariants;

/// <summary>
/// An engine connection seen through a one-way mirror: it forwards every command and event unchanged and checks, at the
/// moment each happens, the invariants the engine boundary can see: credit conservation (1), one release per stream and
/// only after both halves are terminal (2), and that every byte the engine delivers is the byte written at that offset (6).
/// </summary>
internal sealed class RecordingConnection : IQuicEngineConnection
{
    private readonly IQuicEngineConnection _inner;
    private readonly InvariantLog _log;
    private readonly long _inboundBidirectionalLimit;
    private readonly Channel<EngineEvent> _events = Channel.CreateUnbounded<EngineEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly ConcurrentDictionary<long, byte> _released = new();
    private readonly ConcurrentDictionary<long, long> _written = new();
    private readonly ConcurrentDictionary<long, long> _finalSizes = new();
    private readonly ConcurrentDictionary<long, long> _finAcknowledged = new();
    private readonly ConcurrentDictionary<long, byte> _stopSendingSent = new();
    private readonly ConcurrentDictionary<long, long> _openedInGeneration = new();
    private long _earlyDataRejections;
    private long _peerBidirectionalOpened;
    private long _peerBidirectionalReleased;

    public RecordingConnection(IQuicEngineConnection inner, InvariantLog log, long inboundBidirectionalLimit)
    {
        _inner = inner;
        _log = log;
        _inboundBidirectionalLimit = inboundBidirectionalLimit;
        Pump = PumpAsync();
    }

    public Task Pump { get; }

    public QuicConnectionRole Role => _inner.Role;

    public EndPoint LocalEndPoint => _inner.LocalEndPoint;

    public EndPoint RemoteEndPoint => _inner.RemoteEndPoint;

    public string? ApplicationProtocol => _inner.ApplicationProtocol;

    public ChannelReader<EngineEvent> Events => _events.Reader;

    public Task<ConnectionCloseInfo> Closed => _inner.Closed;

    public int MaxDatagramSize => _inner.MaxDatagramSize;

    /// <summary>Bytes written per stream ID (this side's sending).</summary>
    public IReadOnlyDictionary<long, long> Written => _written;

    /// <summary>Final sizes the peer declared with FIN, per stream ID (this side's receiving).</summary>
    public IReadOnlyDictionary<long, long> FinalSizes => _finalSizes;

    /// <summary>Bytes written when the peer acknowledged our FIN, per stream ID.</summary>
    public IReadOnlyDictionary<long, long> FinAcknowledged => _finAcknowledged;

    /// <summary>Stream IDs on which this side sent STOP_SENDING.</summary>
    public bool SentStopSending(long streamId) => _stopSendingSent.ContainsKey(streamId);

    /// <summary>The connection's generation as the engine sees it: 1, plus one per 0-RTT rejection.</summary>
    public long Generation => 1 + Interlocked.Read(ref _earlyDataRejections);

    public long PeerBidirectionalOpened => Interlocked.Read(ref _peerBidirectionalOpened);

    public long PeerBidirectionalReleased => Interlocked.Read(ref _peerBidirectionalReleased);

    public async ValueTask<QuicStreamId> OpenStreamAsync(StreamDirection direction, CancellationToken cancellationToken = default)
    {
        var generation = Generation;
        var streamId = await _inner.OpenStreamAsync(direction, cancellationToken).ConfigureAwait(false);
        _openedInGeneration[streamId.Value] = generation;
        return streamId;
    }

    public bool TryOpenStream(StreamDirection direction, out QuicStreamId streamId)
    {
        var generation = Generation;
        if (!_inner.TryOpenStream(direction, out streamId))
        {
            return false;
        }

        _openedInGeneration[streamId.Value] = generation;
        return true;
    }

    public ValueTask WriteAsync(QuicStreamId streamId, ReadOnlyMemory<byte> data, bool fin)
    {
        if (StaleProbe.IsProbe(data.Span))
        {
            _log.Violation($"invariant 5: a write through a stale handle reached the engine on {Role} stream {streamId}");
        }

        if (streamId.Initiator == Role && _openedInGeneration.GetValueOrDefault(streamId.Value) != Generation)
        {
            // A write of an early stream that raced the rejection: the engine discards it with the stream (and the stale
            // probes check that nothing of an ended generation gets through once the runtime knows).
            return _inner.WriteAsync(streamId, data, fin);
        }

        var offset = _written.AddOrUpdate(streamId.Value, data.Length, (_, total) => total + data.Length) - data.Length;
        if (StreamPattern.FirstMismatch(streamId, Role, offset, data.Span) is var at and >= 0)
        {
            _log.Violation($"invariant 6: {Role} wrote a byte at {streamId} offset {offset + at} that the application never wrote there");
        }

        try
        {
            return _inner.WriteAsync(streamId, data, fin);
        }
        catch
        {
            _written.AddOrUpdate(streamId.Value, 0, (_, total) => total - data.Length);
            throw;
        }
    }

    public bool ResetStream(QuicStreamId streamId, long applicationErrorCode)
    {
        CheckNotStale(streamId, applicationErrorCode, "RESET_STREAM");
        CheckNotReleased(streamId, "RESET_STREAM");
        return _inner.ResetStream(streamId, applicationErrorCode);
    }

    public bool StopSending(QuicStreamId streamId, long applicationErrorCode)
    {
        CheckNotStale(streamId, applicationErrorCode, "STOP_SENDING");
        CheckNotReleased(streamId, "STOP_SENDING");
        _stopSendingSent.TryAdd(streamId.Value, 0);
        return _inner.StopSending(streamId, applicationErrorCode);
    }

    public void Consume(QuicStreamId streamId, int bytes) => _inner.Consume(streamId, bytes);

    public void ReleaseStream(QuicStreamId streamId)
    {
        if (!_released.TryAdd(streamId.Value, 0))
        {
            _log.Violation($"invariant 2: {Role} released {streamId} twice");
        }

        if (streamId.Direction == StreamDirection.Bidirectional && streamId.Initiator != Role)
        {
            var released = Interlocked.Increment(ref _peerBidirectionalReleased);
            if (released > PeerBidirectionalOpened)
            {
                _log.Violation($"invariant 1: {Role} released {released} peer streams but the peer opened only {PeerBidirectionalOpened}");
            }
        }

        _log.CheckReleasable(Role, streamId);
        _inner.ReleaseStream(streamId);
    }

    public bool SendDatagram(ReadOnlySpan<byte> payload) => _inner.SendDatagram(payload);

    public ValueTask CloseAsync(long applicationErrorCode, string reason = "") => _inner.CloseAsync(applicationErrorCode, reason);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    private void CheckNotStale(QuicStreamId streamId, long code, string frame)
    {
        if (code == StaleProbe.ErrorCode)
        {
            _log.Violation($"invariant 5: {frame} through a stale handle reached the engine on {Role} stream {streamId}");
        }
    }

    private void CheckNotReleased(QuicStreamId streamId, string frame)
    {
        if (_released.ContainsKey(streamId.Value))
        {
            _log.Violation($"invariant 2: {Role} sent {frame} on {streamId} after releasing its slot");
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var engineEvent in _inner.Events.ReadAllAsync().ConfigureAwait(false))
            {
                Observe(engineEvent);
                _events.Writer.TryWrite(engineEvent);
            }
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    private void Observe(EngineEvent engineEvent)
    {
        switch (engineEvent)
        {
            case PeerStreamOpened { StreamId.Direction: StreamDirection.Bidirectional } opened:
                var open = Interlocked.Increment(ref _peerBidirectionalOpened) - PeerBidirectionalReleased;
                if (open > _inboundBidirectionalLimit)
                {
                    _log.Violation($"invariant 1: {Role} has {open} peer streams open with {opened.StreamId}, beyond its limit {_inboundBidirectionalLimit}");
                }

                break;
            case StreamDataReceived data:
                if (data.Length > 0 && StreamPattern.FirstMismatch(data.StreamId, Opposite(Role), data.Offset, data.Data.Span) is var at and >= 0)
                {
                    _log.Violation($"invariant 6: {Role} received a wrong byte on {data.StreamId} at offset {data.Offset + at}");
                }

                if (data.IsFin)
                {
                    _finalSizes[data.StreamId.Value] = data.Offset + data.Length;
                }

                break;
            case EarlyDataRejected:
                // Stream IDs restart at 0 (RFC 9001 §4.6.2): what the early streams wrote is gone with them.
                Interlocked.Increment(ref _earlyDataRejections);
                _written.Clear();
                _finAcknowledged.Clear();
                _released.Clear();
                break;
            case StreamFinAcknowledged ack:
                _finAcknowledged[ack.StreamId.Value] = _written.GetValueOrDefault(ack.StreamId.Value);
                break;
        }
    }

    private static QuicConnectionRole Opposite(QuicConnectionRole role) =>
        role == QuicConnectionRole.Client ? QuicConnectionRole.Server : QuicConnectionRole.Client;
}
