namespace QuicActors.Streams.Internal;

/// <summary>
/// FIFO of opens waiting for outbound stream credit. A ring buffer of structs: removal from the middle (expiry,
/// cancellation) leaves a tombstone that is skipped at the head, so nothing is shifted and nothing is allocated once
/// the buffer has grown to the working size.
/// </summary>
/// <remarks>
/// The earliest deadline is read on every grant of credit. Opens that share one timeout are queued in deadline order, and
/// then it is the head's, in O(1); only a queue that got a deadline earlier than its tail's is scanned, until it empties.
/// </remarks>
internal sealed class OpenWaiterQueue
{
    private struct Slot
    {
        public long RequestId;
        public TimeSpan Deadline;
        public bool Removed;
    }

    private Slot[] _slots = [];
    private int _head;

    // Slots between head and tail, tombstones included.
    private int _occupied;

    // Every deadline in the queue is at or after the one queued before it (so the head's is the earliest).
    private bool _inDeadlineOrder = true;

    /// <summary>Live waiters (tombstones excluded).</summary>
    public int Count { get; private set; }

    public void Enqueue(long requestId, TimeSpan deadline)
    {
        if (_occupied == _slots.Length)
        {
            Grow();
        }

        if (_occupied > 0 && deadline < _slots[(_head + _occupied - 1) % _slots.Length].Deadline)
        {
            _inDeadlineOrder = false;
        }

        ref var slot = ref _slots[(_head + _occupied) % _slots.Length];
        slot.RequestId = requestId;
        slot.Deadline = deadline;
        slot.Removed = false;
        _occupied++;
        Count++;
    }

    public bool TryDequeue(out long requestId)
    {
        TrimHead();
        if (_occupied == 0)
        {
            requestId = 0;
            return false;
        }

        requestId = _slots[_head].RequestId;
        _head = (_head + 1) % _slots.Length;
        _occupied--;
        Count--;
        TrimHead();
        return true;
    }

    public bool TryRemove(long requestId)
    {
        for (var i = 0; i < _occupied; i++)
        {
            ref var slot = ref _slots[(_head + i) % _slots.Length];
            if (!slot.Removed && slot.RequestId == requestId)
            {
                slot.Removed = true;
                Count--;
                TrimHead();
                return true;
            }
        }

        return false;
    }

    /// <summary>Removes every waiter whose deadline is at or before <paramref name="now"/>, appending them in queue order.</summary>
    public int RemoveExpired(TimeSpan now, List<long> expired)
    {
        var removed = 0;
        for (var i = 0; i < _occupied; i++)
        {
            ref var slot = ref _slots[(_head + i) % _slots.Length];
            if (!slot.Removed && slot.Deadline <= now)
            {
                slot.Removed = true;
                Count--;
                expired.Add(slot.RequestId);
                removed++;
            }
        }

        TrimHead();
        return removed;
    }

    /// <summary>The earliest deadline among live waiters, or null when none waits.</summary>
    public TimeSpan? EarliestDeadline()
    {
        if (_inDeadlineOrder)
        {
            // The head is live (tombstones are trimmed from it), and no later slot is due before it.
            return _occupied == 0 ? null : _slots[_head].Deadline;
        }

        TimeSpan? earliest = null;
        for (var i = 0; i < _occupied; i++)
        {
            ref var slot = ref _slots[(_head + i) % _slots.Length];
            if (!slot.Removed && (earliest is null || slot.Deadline < earliest.Value))
            {
                earliest = slot.Deadline;
            }
        }

        return earliest;
    }

    private void TrimHead()
    {
        while (_occupied > 0 && _slots[_head].Removed)
        {
            _head = (_head + 1) % _slots.Length;
            _occupied--;
        }

        if (_occupied == 0)
        {
            _head = 0;
            _inDeadlineOrder = true;
        }
    }

    private void Grow()
    {
        // Compact tombstones while copying; grow only if the live waiters fill the buffer.
        var capacity = _slots.Length == 0 || Count * 2 > _slots.Length ? Math.Max(4, _slots.Length * 2) : _slots.Length;
        var next = new Slot[capacity];
        var n = 0;
        for (var i = 0; i < _occupied; i++)
        {
            var slot = _slots[(_head + i) % _slots.Length];
            if (!slot.Removed)
            {
                next[n++] = slot;
            }
        }

        _slots = next;
        _head = 0;
        _occupied = n;
    }
}
