using QuicActors.Streams.Internal;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Streams;

/// <summary>
/// Opens that race a 0-RTT rejection. The engine rejects on its own loop and queues <see cref="EarlyDataRejected"/>;
/// until this actor has read that event it still believes it is in the early generation. A stream the engine opens in
/// that window already belongs to the 1-RTT connection (its ID restarted at 0), so stamping it with the early
/// generation would discard a live stream of the new one and leak its ID. Such an open is therefore held back until
/// the rejection is read: a stream the engine discarded is opened again, and one it kept joins the new generation
/// once the handshake has granted the 1-RTT credit.
/// </summary>
public sealed partial class ConnectionActor
{
    private readonly List<(QuicStreamId StreamId, OpenStreamRequest Request)> _opensAcrossRejection = [];
    private List<(QuicStreamId StreamId, OpenStreamRequest Request)>? _adoptAfterHandshake;
    private bool _rejectionRead;

    /// <summary>Whether the stream the engine just opened may belong to a generation this actor has not reached yet.</summary>
    private bool OpenedAcrossRejection(QuicStreamId streamId, OpenStreamRequest request)
    {
        if (_rejectionRead || _connection.Role != QuicConnectionRole.Client || !_connection.IsEarlyDataRejected)
        {
            return false;
        }

        _opensAcrossRejection.Add((streamId, request));
        return true;
    }

    /// <summary>Called when the rejection is read, after the ledgers were rebuilt for the new generation.</summary>
    private void SettleOpensAcrossRejection(EarlyDataRejected rejected)
    {
        _rejectionRead = true;
        foreach (var (streamId, request) in _opensAcrossRejection)
        {
            if (rejected.DiscardedStreams.Contains(streamId))
            {
                // Opened just before the rejection: it is gone with the early generation, and nobody holds a handle yet.
                OnOpenStream(request);
            }
            else
            {
                (_adoptAfterHandshake ??= []).Add((streamId, request));
            }
        }

        _opensAcrossRejection.Clear();
    }

    /// <summary>Called after the handshake's credit was granted: streams the engine kept join the new generation.</summary>
    private void AdoptOpensAcrossRejection()
    {
        if (_adoptAfterHandshake is null)
        {
            return;
        }

        foreach (var (streamId, request) in _adoptAfterHandshake)
        {
            var ledger = LedgerFor(streamId.Direction);
            var requestId = ++_nextRequestId;
            switch (ledger.TryEnqueueOpen(requestId, Now + request.Timeout))
            {
                case OutboundOpenOutcome.Proceed:
                    ledger.OnLocalStreamOpened(streamId);
                    request.Completion.TrySetResult(SpawnStream(streamId));
                    break;
                case OutboundOpenOutcome.Queued:
                    // The 1-RTT limits leave no room although the engine opened it: give the ID back to the engine
                    // quietly (nothing was sent on it); the ledger now holds the request like any other waiting open.
                    ReleaseUnusedStream(streamId);
                    _waitingOpens.Add(requestId, request);
                    ScheduleOpenDeadline();
                    break;
                default:
                    ReleaseUnusedStream(streamId);
                    request.Completion.TrySetException(new InvalidOperationException($"Too many opens are waiting for {request.Direction} stream credit."));
                    break;
            }
        }

        _adoptAfterHandshake = null;
    }

    private void ReleaseUnusedStream(QuicStreamId streamId)
    {
        try
        {
            _connection.ReleaseStream(streamId);
        }
        catch (QuicTransportException ex)
        {
            Context.System.Log.Debug(ex, "Connection {ConnectionId}: release of unused stream {StreamId} refused by the engine", _settings.ConnectionId, streamId);
        }
    }

    private void FailOpensAcrossRejection()
    {
        foreach (var (_, request) in _opensAcrossRejection.Concat(_adoptAfterHandshake ?? []))
        {
            request.Completion.TrySetException(new InvalidOperationException("The connection actor stopped before the stream could be opened."));
        }

        _opensAcrossRejection.Clear();
        _adoptAfterHandshake = null;
    }
}
