using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuicActors.Streams.Internal;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>
/// Stream credit of one connection for one stream direction (bidirectional or unidirectional), kept by the connection
/// actor: the inbound slots the peer may use (RFC 9000 §4.6: our cumulative MAX_STREAMS grows by one for each stream we
/// release), the outbound credit the peer granted us with its cumulative MAX_STREAMS, and a FIFO of opens waiting for
/// that credit.
/// </summary>
/// <remarks>
/// <para>The ledger is pure bookkeeping: no clock, no threads, no engine. The host feeds it events and carries out what
/// it answers. It is not thread-safe; one owner (the connection actor) calls it. Times are <see cref="TimeSpan"/>
/// readings of the host's monotonic clock (for example <see cref="TimeProvider.GetElapsedTime(long)"/> from a fixed
/// origin); the ledger only compares them.</para>
/// <para>Invariant 1: <see cref="InboundInUse"/> + <see cref="InboundAvailable"/> = <see cref="InboundLimit"/> after every
/// call. Invariant 2: <see cref="StreamReleaseDecision.Release"/> is answered exactly once per stream, and only once every
/// half the stream has at this endpoint reported terminal (<see cref="OnHalfTerminal"/>) and the stream itself reported
/// its end (<see cref="OnStreamTerminated"/>), in any order. <see cref="CheckInvariants"/> verifies the bookkeeping.</para>
/// <para>After a 0-RTT rejection the connection starts a new generation; build a new ledger from the 1-RTT limits and
/// use <see cref="DrainWaiters"/> on the old one to fail or replay its waiting opens.</para>
/// </remarks>
public sealed partial class StreamCreditLedger
{
    /// <summary>The largest cumulative stream count a MAX_STREAMS frame may carry (RFC 9000 §4.6, §19.11).</summary>
    public const long MaxStreamsLimit = 1L << 60;

    private readonly Dictionary<long, StreamEntry> _streams = [];

    /// <summary>Creates a ledger.</summary>
    /// <param name="role">Whether this endpoint is the client or the server; decides which stream IDs are the peer's.</param>
    /// <param name="direction">The stream type this ledger counts.</param>
    /// <param name="inboundLimit">How many streams of <paramref name="direction"/> the peer may have open at once (our initial MAX_STREAMS).</param>
    /// <param name="outboundMaxStreams">The peer's initial cumulative MAX_STREAMS for <paramref name="direction"/> (0 until the handshake says otherwise).</param>
    /// <param name="maxWaitingOpens">How many opens may wait for credit at once; more are refused with <see cref="OutboundOpenOutcome.QueueFull"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is negative or above 2^60, or <paramref name="maxWaitingOpens"/> is negative.</exception>
    public StreamCreditLedger(QuicConnectionRole role, StreamDirection direction, long inboundLimit, long outboundMaxStreams = 0, int maxWaitingOpens = int.MaxValue)
    {
        if (inboundLimit is < 0 or > MaxStreamsLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(inboundLimit), inboundLimit, string.Create(CultureInfo.InvariantCulture, $"The inbound stream limit must be between 0 and 2^60 (RFC 9000 §4.6)."));
        }

        if (outboundMaxStreams is < 0 or > MaxStreamsLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(outboundMaxStreams), outboundMaxStreams, "The peer's MAX_STREAMS must be between 0 and 2^60 (RFC 9000 §4.6).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxWaitingOpens);
        Role = role;
        Direction = direction;
        InboundLimit = inboundLimit;
        InboundAvailable = inboundLimit;
        OutboundMaxStreams = outboundMaxStreams;
        MaxWaitingOpens = maxWaitingOpens;
    }

    /// <summary>This endpoint's role.</summary>
    public QuicConnectionRole Role { get; }

    /// <summary>The stream type this ledger counts.</summary>
    public StreamDirection Direction { get; }

    /// <summary>Streams tracked now, ours and the peer's: opened and not yet released.</summary>
    public int LiveStreamCount => _streams.Count;

    /// <summary>Whether the ledger tracks <paramref name="streamId"/> (opened, not yet released).</summary>
    public bool IsTracked(QuicStreamId streamId) => _streams.ContainsKey(streamId.Value);

    /// <summary>Whether <paramref name="half"/> of a tracked stream has reported terminal; false for untracked streams and absent halves.</summary>
    public bool IsHalfTerminal(QuicStreamId streamId, StreamHalf half) =>
        _streams.TryGetValue(streamId.Value, out var entry) && (entry.Terminal & half.ToFlag()) != 0;

    /// <summary>
    /// Records that one half of a tracked stream reached a terminal state (send: Data Recvd or Reset Recvd, RFC 9000 §3.1;
    /// receive: Data Read or Reset Read, §3.2; or discarded with its connection or generation). Reporting a half twice
    /// changes nothing.
    /// </summary>
    /// <returns><see cref="StreamReleaseDecision.Release"/> when this report completes the stream's end.</returns>
    public StreamReleaseDecision OnHalfTerminal(QuicStreamId streamId, StreamHalf half)
    {
        var flag = half.ToFlag();
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_streams, streamId.Value);
        if (Unsafe.IsNullRef(ref entry))
        {
            return StreamReleaseDecision.UnknownStream;
        }

        if ((entry.Existing & flag) == 0)
        {
            return StreamReleaseDecision.NoSuchHalf;
        }

        entry.Terminal |= flag;
        return ReleaseIfDone(streamId, ref entry);
    }

    /// <summary>
    /// Records that the stream as a whole ended (its actor stopped). The slot goes back only once every half is also
    /// terminal: if the stream ended with a half still open (for example its handler crashed), the answer is
    /// <see cref="StreamReleaseDecision.Pending"/> and the host must drive that half to a terminal state (abort it) and
    /// report it; that report then answers <see cref="StreamReleaseDecision.Release"/>.
    /// </summary>
    public StreamReleaseDecision OnStreamTerminated(QuicStreamId streamId)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_streams, streamId.Value);
        if (Unsafe.IsNullRef(ref entry))
        {
            return StreamReleaseDecision.UnknownStream;
        }

        entry.StreamTerminated = true;
        return ReleaseIfDone(streamId, ref entry);
    }

    private StreamReleaseDecision ReleaseIfDone(QuicStreamId streamId, ref StreamEntry entry)
    {
        if (!entry.StreamTerminated || entry.Terminal != entry.Existing)
        {
            return StreamReleaseDecision.Pending;
        }

        if (entry.PeerOpened)
        {
            InboundInUse--;
            InboundAvailable++;
            InboundReleased++;
        }
        else
        {
            LocalReleased++;
        }

        _streams.Remove(streamId.Value);
        return StreamReleaseDecision.Release;
    }

    private void ThrowIfWrongDirection(QuicStreamId streamId, string paramName)
    {
        if (streamId.Direction != Direction)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Stream {streamId} is {streamId.Direction}, but this ledger counts {Direction} streams."),
                paramName);
        }
    }

    private struct StreamEntry
    {
        public HalfFlags Existing;
        public HalfFlags Terminal;
        public bool StreamTerminated;
        public bool PeerOpened;
    }
}
