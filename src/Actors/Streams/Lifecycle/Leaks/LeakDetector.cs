using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>
/// Bookkeeping for the leak detector: which streams of a connection are alive, since when, and in which half states.
/// <see cref="Scan"/> reports every stream alive longer than the deadline, once per deadline crossing (at 1×, 2×, 3× the
/// deadline...), not on every scan.
/// </summary>
/// <remarks>
/// Clock-free and single-owner like <see cref="StreamCreditLedger"/>. A scan costs O(k log n) for k reports: due times
/// sit in a min-heap; entries of unregistered streams are skipped lazily and the heap is rebuilt when they outnumber the
/// live ones, so churn does not grow it.
/// </remarks>
public sealed class LeakDetector
{
    /// <summary>The half state reported for a half the stream does not have.</summary>
    public const string AbsentHalf = "absent";

    private readonly Dictionary<long, Entry> _entries = [];
    private readonly PriorityQueue<(long StreamId, long Registration), TimeSpan> _due = new();
    private long _registrations;

    /// <summary>Creates a detector.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deadline"/> is not positive.</exception>
    public LeakDetector(TimeSpan deadline)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(deadline, TimeSpan.Zero);
        Deadline = deadline;
    }

    /// <summary>How long a stream may live before it is reported.</summary>
    public TimeSpan Deadline { get; }

    /// <summary>Streams registered and not yet unregistered.</summary>
    public int Count => _entries.Count;

    /// <summary>Reports made since creation.</summary>
    public long ReportedCount { get; private set; }

    /// <summary>Starts watching a stream opened at <paramref name="openedAt"/> (host clock).</summary>
    /// <returns>False when the stream is already registered (nothing changed).</returns>
    public bool Register(QuicStreamId streamId, TimeSpan openedAt, string sendHalfState = AbsentHalf, string receiveHalfState = AbsentHalf)
    {
        ArgumentNullException.ThrowIfNull(sendHalfState);
        ArgumentNullException.ThrowIfNull(receiveHalfState);
        var registration = ++_registrations;
        if (!_entries.TryAdd(streamId.Value, new Entry(openedAt, openedAt + Deadline, registration, sendHalfState, receiveHalfState)))
        {
            return false;
        }

        _due.Enqueue((streamId.Value, registration), openedAt + Deadline);
        return true;
    }

    /// <summary>Records the half states a later report should show.</summary>
    /// <returns>False when the stream is not registered.</returns>
    public bool UpdateHalfStates(QuicStreamId streamId, string sendHalfState, string receiveHalfState)
    {
        ArgumentNullException.ThrowIfNull(sendHalfState);
        ArgumentNullException.ThrowIfNull(receiveHalfState);
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, streamId.Value);
        if (Unsafe.IsNullRef(ref entry))
        {
            return false;
        }

        entry.SendHalfState = sendHalfState;
        entry.ReceiveHalfState = receiveHalfState;
        return true;
    }

    /// <summary>Stops watching a stream that terminated.</summary>
    /// <returns>False when it was not registered.</returns>
    public bool Unregister(QuicStreamId streamId)
    {
        if (!_entries.Remove(streamId.Value))
        {
            return false;
        }

        if (_due.Count > 64 && _due.Count > 2 * _entries.Count)
        {
            RebuildHeap();
        }

        return true;
    }

    /// <summary>Reports every stream whose next deadline crossing is at or before <paramref name="now"/>, each once for that crossing.</summary>
    /// <param name="now">The host's clock reading.</param>
    /// <param name="reports">Receives the reports, oldest crossing first (appended; not cleared).</param>
    /// <returns>How many reports were added.</returns>
    public int Scan(TimeSpan now, List<LeakReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var count = 0;
        while (_due.TryPeek(out var key, out var dueAt) && dueAt <= now)
        {
            _due.Dequeue();
            ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key.StreamId);
            if (Unsafe.IsNullRef(ref entry) || entry.Registration != key.Registration)
            {
                continue; // unregistered (and perhaps the ID registered again since): a stale heap entry
            }

            // A long pause between scans may have crossed several multiples: report once, at the latest crossing.
            var crossings = (int)Math.Min(int.MaxValue, (now - entry.OpenedAt).Ticks / Deadline.Ticks);
            reports.Add(new LeakReport(new QuicStreamId(key.StreamId), entry.OpenedAt, now - entry.OpenedAt, crossings, entry.SendHalfState, entry.ReceiveHalfState));
            count++;
            entry.NextDue = entry.OpenedAt + (Deadline * (crossings + 1L));
            _due.Enqueue(key, entry.NextDue);
        }

        ReportedCount += count;
        return count;
    }

    /// <summary>The earliest time a scan can report something, for the host's timer; null when nothing is watched.</summary>
    public TimeSpan? NextDue()
    {
        while (_due.TryPeek(out var key, out var dueAt))
        {
            if (_entries.TryGetValue(key.StreamId, out var entry) && entry.Registration == key.Registration)
            {
                return dueAt;
            }

            _due.Dequeue();
        }

        return null;
    }

    private void RebuildHeap()
    {
        _due.Clear();
        foreach (var (id, entry) in _entries)
        {
            _due.Enqueue((id, entry.Registration), entry.NextDue);
        }
    }

    private struct Entry(TimeSpan openedAt, TimeSpan nextDue, long registration, string sendHalfState, string receiveHalfState)
    {
        public readonly TimeSpan OpenedAt = openedAt;
        public readonly long Registration = registration;
        public TimeSpan NextDue = nextDue;
        public string SendHalfState = sendHalfState;
        public string ReceiveHalfState = receiveHalfState;
    }
}
