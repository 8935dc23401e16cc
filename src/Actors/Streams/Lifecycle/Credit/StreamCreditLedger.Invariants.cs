using System.Globalization;

namespace QuicActors.Streams;

public sealed partial class StreamCreditLedger
{
    /// <summary>
    /// Checks the bookkeeping: invariant 1 (in use + available = limit, neither negative), in-use slots match the peer
    /// streams tracked, no tracked stream has finished without being released (invariant 2: a release is never missed;
    /// released streams are forgotten, so none can be released twice), outbound opens within the peer's credit, and no
    /// open waiting while credit is free. O(live streams); meant for tests and diagnostics, not the hot path.
    /// </summary>
    /// <returns>One message per violation; empty when every invariant holds.</returns>
    public IReadOnlyList<string> CheckInvariants()
    {
        List<string>? violations = null;
        void Add(string message) => (violations ??= []).Add(message);

        if (InboundInUse + InboundAvailable != InboundLimit)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"credit conservation: in use {InboundInUse} + available {InboundAvailable} != limit {InboundLimit}"));
        }

        if (InboundInUse < 0 || InboundAvailable < 0)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"negative credit: in use {InboundInUse}, available {InboundAvailable}"));
        }

        if (InboundOpened - InboundReleased != InboundInUse)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"opened {InboundOpened} - released {InboundReleased} != in use {InboundInUse}"));
        }

        long peerTracked = 0;
        long localTracked = 0;
        foreach (var (id, entry) in _streams)
        {
            if (entry.PeerOpened)
            {
                peerTracked++;
            }
            else
            {
                localTracked++;
            }

            if ((entry.Terminal & ~entry.Existing) != 0)
            {
                Add(string.Create(CultureInfo.InvariantCulture, $"stream {id}: a half that does not exist is marked terminal"));
            }

            if (entry.StreamTerminated && entry.Terminal == entry.Existing)
            {
                Add(string.Create(CultureInfo.InvariantCulture, $"stream {id}: both halves and the stream are terminal but the slot was not released"));
            }
        }

        if (peerTracked != InboundInUse)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"in use {InboundInUse} != tracked peer streams {peerTracked}"));
        }

        if (OutboundOpened > OutboundMaxStreams)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"outbound opened {OutboundOpened} > peer's MAX_STREAMS {OutboundMaxStreams}"));
        }

        if (localTracked + LocalReleased > OutboundOpened)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"local streams tracked {localTracked} + released {LocalReleased} > reserved {OutboundOpened}"));
        }

        if (OutboundAvailable > 0 && _waiters.Count > 0)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"{_waiters.Count} opens wait while {OutboundAvailable} slots are free"));
        }

        if (_waiters.Count > MaxWaitingOpens)
        {
            Add(string.Create(CultureInfo.InvariantCulture, $"{_waiters.Count} opens wait, above the bound {MaxWaitingOpens}"));
        }

        return violations is null ? [] : violations;
    }

    /// <summary>Throws when <see cref="CheckInvariants"/> finds a violation.</summary>
    /// <exception cref="InvalidOperationException">Lists every violation.</exception>
    public void AssertInvariants()
    {
        var violations = CheckInvariants();
        if (violations.Count > 0)
        {
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"Stream credit ledger ({Role}, {Direction}) broke its invariants: {string.Join("; ", violations)}"));
        }
    }
}
