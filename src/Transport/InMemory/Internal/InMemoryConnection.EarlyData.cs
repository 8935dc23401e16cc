using QuicActors.Transport.Events;

namespace QuicActors.Transport.InMemory.Internal;

/// <summary>
/// 0-RTT (RFC 9000 §4.6.1, §7.4.1; RFC 9001 §4.6): the client opens streams and writes under the limits remembered
/// from its ticket before the handshake completes. A server that rejects early data drops every 0-RTT frame; the
/// client then discards the early streams and starts its stream IDs and flow control again from the 1-RTT limits.
/// </summary>
internal sealed partial class InMemoryConnection
{
    /// <summary>Server side: 0-RTT was offered and rejected, so frames sent in 0-RTT are dropped on arrival.</summary>
    private bool _earlyDataRejected;

    /// <summary>Client side: the server rejected our early data (set under the lock, read without it).</summary>
    private bool _clientEarlyDataRejected;

    /// <inheritdoc />
    public bool IsEarlyDataRejected => Volatile.Read(ref _clientEarlyDataRejected);

    /// <summary>Client side: the ServerHello rejected early data. Caller holds the lock.</summary>
    private void RejectEarlyData(QuicTransportParameters serverParameters)
    {
        var discarded = new List<QuicStreamId>(_streams.Count);
        foreach (var entry in _streams.Entries)
        {
            discarded.Add(entry.Id);
            DropStream(entry, new QuicTransportException(QuicTransportError.EarlyDataRejected,
                $"Stream {entry.Id} was opened in 0-RTT, which the server rejected; the engine discarded it without sending anything more.")
            { StreamId = entry.Id });
        }
        discarded.Sort();
        // The server cannot have opened streams yet: its frames travel behind its ServerHello. So every stream is early.
        _streams.Clear();
        Array.Clear(_streams.NextOutgoing);
        Array.Clear(_streams.PeerMaxStreams);
        _blocked.Clear();
        _sendMaxData = 0;
        _sentData = 0;
        _state = ConnectionState.Established;
        Volatile.Write(ref _clientEarlyDataRejected, true);
        Emit(new EarlyDataRejected(discarded));
        ApplyPeerParameters(serverParameters);
        Emit(new HandshakeCompleted(_applicationProtocol!, false, PublicPeerParameters()));
        EmitCreditEvents();
    }
}
