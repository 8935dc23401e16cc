using System.Globalization;
using QuicActors.Streams.Internal;
using QuicActors.Transport;

namespace QuicActors.Streams;

public sealed partial class StreamCreditLedger
{
    private readonly OpenWaiterQueue _waiters = new();

    /// <summary>The peer's cumulative MAX_STREAMS for this direction: how many streams we may ever have opened (RFC 9000 §4.6).</summary>
    public long OutboundMaxStreams { get; private set; }

    /// <summary>Outbound slots reserved so far (opens that proceeded); never decreases, as stream credit is cumulative.</summary>
    public long OutboundOpened { get; private set; }

    /// <summary>Opens that may proceed now without waiting.</summary>
    public long OutboundAvailable => OutboundMaxStreams - OutboundOpened;

    /// <summary>Opens waiting for credit now.</summary>
    public int WaitingOpenCount => _waiters.Count;

    /// <summary>The bound on <see cref="WaitingOpenCount"/>.</summary>
    public int MaxWaitingOpens { get; }

    /// <summary>Streams we opened that have been released since the ledger was created.</summary>
    public long LocalReleased { get; private set; }

    /// <summary>The earliest deadline among waiting opens, for the host's single timer; null when none waits.</summary>
    public TimeSpan? NextWaiterDeadline => _waiters.Count == 0 ? null : _waiters.EarliestDeadline();

    /// <summary>
    /// Asks for one outbound slot. With credit available and nobody waiting ahead, the slot is reserved at once
    /// (<see cref="OutboundOpenOutcome.Proceed"/>); otherwise the request joins the FIFO until credit arrives
    /// (<see cref="OnCreditGranted"/>), its deadline passes (<see cref="ExpireWaiters"/>) or it is cancelled
    /// (<see cref="TryCancelOpen"/>). Request IDs are chosen by the host and must be unique among waiting requests.
    /// </summary>
    /// <param name="requestId">The host's correlation ID for the request.</param>
    /// <param name="deadline">When the wait ends unanswered, on the host's clock; <see cref="TimeSpan.MaxValue"/> for never.</param>
    public OutboundOpenOutcome TryEnqueueOpen(long requestId, TimeSpan deadline)
    {
        if (_waiters.Count == 0 && OutboundOpened < OutboundMaxStreams)
        {
            OutboundOpened++;
            return OutboundOpenOutcome.Proceed;
        }

        if (_waiters.Count >= MaxWaitingOpens)
        {
            return OutboundOpenOutcome.QueueFull;
        }

        _waiters.Enqueue(requestId, deadline);
        return OutboundOpenOutcome.Queued;
    }

    /// <summary>Removes a waiting open (its caller gave up). False when it is not waiting (it proceeded, expired or never queued).</summary>
    public bool TryCancelOpen(long requestId) => _waiters.TryRemove(requestId);

    /// <summary>
    /// Applies the peer's cumulative MAX_STREAMS (RFC 9000 §4.6, §19.11): a value that does not raise the limit is
    /// ignored, as the RFC requires. Waiting opens proceed in FIFO order while credit lasts, each reserving a slot.
    /// </summary>
    /// <param name="maxStreams">The cumulative limit from the frame or the transport parameters.</param>
    /// <param name="proceeding">Receives the request IDs that may open now, in order (appended; not cleared).</param>
    /// <returns>How many requests proceed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxStreams"/> is negative or above 2^60 (a frame encoding error the engine should have caught).</exception>
    public int OnCreditGranted(long maxStreams, List<long> proceeding)
    {
        ArgumentNullException.ThrowIfNull(proceeding);
        if (maxStreams is < 0 or > MaxStreamsLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(maxStreams), maxStreams, "MAX_STREAMS must be between 0 and 2^60 (RFC 9000 §19.11).");
        }

        if (maxStreams <= OutboundMaxStreams)
        {
            return 0;
        }

        OutboundMaxStreams = maxStreams;
        var count = 0;
        while (OutboundOpened < OutboundMaxStreams && _waiters.TryDequeue(out var requestId))
        {
            OutboundOpened++;
            proceeding.Add(requestId);
            count++;
        }

        return count;
    }

    /// <summary>Removes every waiting open whose deadline is at or before <paramref name="now"/>; the host fails them with a timeout.</summary>
    /// <param name="now">The host's clock reading.</param>
    /// <param name="expired">Receives the expired request IDs in queue order (appended; not cleared).</param>
    /// <returns>How many expired.</returns>
    public int ExpireWaiters(TimeSpan now, List<long> expired)
    {
        ArgumentNullException.ThrowIfNull(expired);
        return _waiters.Count == 0 ? 0 : _waiters.RemoveExpired(now, expired);
    }

    /// <summary>Removes every waiting open (connection closing, or generation ended), appending their IDs in queue order.</summary>
    public int DrainWaiters(List<long> drained)
    {
        ArgumentNullException.ThrowIfNull(drained);
        var count = 0;
        while (_waiters.TryDequeue(out var requestId))
        {
            drained.Add(requestId);
            count++;
        }

        return count;
    }

    /// <summary>
    /// Starts tracking a stream we opened after its open proceeded, so that its release is decided like a peer stream's
    /// (the engine forgets it on <see cref="IQuicEngineConnection.ReleaseStream"/>; no inbound credit is involved).
    /// </summary>
    /// <exception cref="ArgumentException">The stream was opened by the peer or is of the other direction.</exception>
    public LocalStreamOpenOutcome OnLocalStreamOpened(QuicStreamId streamId)
    {
        ThrowIfWrongDirection(streamId, nameof(streamId));
        if (streamId.Initiator != Role)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Stream {streamId} was opened by the peer, not by this endpoint ({Role})."),
                nameof(streamId));
        }

        if (streamId.Index >= OutboundOpened)
        {
            return LocalStreamOpenOutcome.NotReserved;
        }

        return _streams.TryAdd(streamId.Value, new StreamEntry { Existing = streamId.ExistingHalves(Role) })
            ? LocalStreamOpenOutcome.Tracked
            : LocalStreamOpenOutcome.AlreadyTracked;
    }
}
