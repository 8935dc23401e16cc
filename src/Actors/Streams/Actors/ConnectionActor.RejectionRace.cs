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
    private List<OpenStreamRequest>? _adoptAfterHandshake;
    private List<QuicStreamId>? _adoptedIds;
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
                (_adoptAfterHandshake ??= []).Add(request);
                (_adoptedIds ??= []).Add(streamId);
            }
        }

        _opensAcrossRejection.Clear();
    }

    /// <summary>Called after the handshake's credit was granted: streams the engine kept join the new generation.</summary>
    private void AdoptOpensAcrossRejection()
    {
        if (_adoptAfterHandshake is null || _adoptedIds is null)
        {
            return;
        }

        for (var i = 0; i < _adoptAfterHandshake.Count; i++)
        {
            var request = _adoptAfterHandshake[i];
            var streamId = _adoptedIds[i];
            var ledger = LedgerFor(streamId.Direction);
            if (ledger.TryEnqueueOpen(++_nextRequestId, Now + request.Timeout) != OutboundOpenOutcome.Proceed)
            {
                // The 1-RTT limits leave no room although the engine opened it: give the ID back to the engine quietly
                // (nothing was sent on it) and let the request wait like any other open.
                ReleaseUnusedStream(streamId);
                OnOpenStream(request);
                continue;
            }

            ledger.OnLocalStreamOpened(streamId);
            var handle = SpawnStream(streamId);
            request.Completion.TrySetResult(handle);
        }

        _adoptAfterHandshake = null;
        _adoptedIds = null;
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
        foreach (var (_, request) in _opensAcrossRejection)
        {
            request.Completion.TrySetException(new InvalidOperationException("The connection actor stopped before the stream could be opened."));
        }

        _opensAcrossRejection.Clear();
        if (_adoptAfterHandshake is not null)
        {
            foreach (var request in _adoptAfterHandshake)
            {
                request.Completion.TrySetException(new InvalidOperationException("The connection actor stopped before the stream could be opened."));
            }
        }

        _adoptAfterHandshake = null;
        _adoptedIds = null;
    }
}
