using System.Globalization;
using QuicActors.Streams.Internal;
using QuicActors.Transport;

namespace QuicActors.Streams;

public sealed partial class StreamCreditLedger
{
    private long _nextPeerIndex;

    /// <summary>How many streams of this direction the peer may have open at once (our initial MAX_STREAMS, RFC 9000 §4.6).</summary>
    public long InboundLimit { get; }

    /// <summary>Inbound slots held by peer streams that are not released yet.</summary>
    public long InboundInUse { get; private set; }

    /// <summary>Inbound slots the peer may still use now.</summary>
    public long InboundAvailable { get; private set; }

    /// <summary>Peer streams accepted since the ledger was created.</summary>
    public long InboundOpened { get; private set; }

    /// <summary>Inbound slots given back since the ledger was created.</summary>
    public long InboundReleased { get; private set; }

    /// <summary>The cumulative MAX_STREAMS we have advertised: the limit plus every released slot (RFC 9000 §4.6).</summary>
    public long InboundMaxStreams => InboundLimit + InboundReleased;

    /// <summary>
    /// Records a stream the peer opened. It takes one inbound slot until the ledger answers
    /// <see cref="StreamReleaseDecision.Release"/> for it. A stream beyond the advertised cumulative limit is a protocol
    /// violation and is refused loudly with <see cref="PeerStreamOpenOutcome.StreamLimitExceeded"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The stream was opened by this endpoint or is of the other direction (a routing error in the host).</exception>
    public PeerStreamOpenOutcome OnPeerStreamOpened(QuicStreamId streamId)
    {
        ThrowIfWrongDirection(streamId, nameof(streamId));
        if (streamId.Initiator == Role)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Stream {streamId} was opened by this endpoint ({Role}), not by the peer."),
                nameof(streamId));
        }

        var index = streamId.Index;
        if (index >= InboundMaxStreams)
        {
            return PeerStreamOpenOutcome.StreamLimitExceeded;
        }

        if (index < _nextPeerIndex)
        {
            return PeerStreamOpenOutcome.AlreadyOpened;
        }

        if (index > _nextPeerIndex)
        {
            return PeerStreamOpenOutcome.OutOfOrder;
        }

        _nextPeerIndex++;
        _streams.Add(streamId.Value, new StreamEntry { Existing = streamId.ExistingHalves(Role), PeerOpened = true });
        InboundOpened++;
        InboundInUse++;
        InboundAvailable--;
        return PeerStreamOpenOutcome.Accepted;
    }
}
