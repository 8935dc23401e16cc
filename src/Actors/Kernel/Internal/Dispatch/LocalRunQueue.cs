using System.Runtime.InteropServices;

namespace QuicActors.Kernel.Internal.Dispatch;

/// <summary>
/// The run queue of one <see cref="DispatcherWorker"/>: a fixed ring that only its worker pushes to (no
/// atomic operation) and that its worker and thieves take from, oldest first, with one CAS on the head.
/// </summary>
/// <remarks>
/// Taken slots are cleared by the owner (a thief cannot clear its slot after its CAS: by then the owner may
/// have reused it), on its next push or take and before it parks, so a terminated actor does not stay
/// reachable from here. A
/// thief that still reads a cleared slot holds a stale head, and its CAS fails.
/// </remarks>
internal sealed class LocalRunQueue
{
    public const int Capacity = 256;
    private const int Mask = Capacity - 1;

    private readonly ActorCell?[] _cells = new ActorCell?[Capacity];
    private Indexes _indexes;
    private long _clearedUpTo;

    /// <summary>Head and tail on separate cache lines: thieves CAS the head, only the owner writes the tail.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Indexes
    {
        [FieldOffset(64)] public long Head;
        [FieldOffset(128)] public long Tail;
    }

    /// <summary>Cells queued (a snapshot; exact only for the owner between its own operations).</summary>
    public int Count => (int)(Volatile.Read(ref _indexes.Tail) - Volatile.Read(ref _indexes.Head));

    /// <summary>Appends <paramref name="cell"/>; owner only. False when the ring is full.</summary>
    /// <param name="cell">The cell to queue.</param>
    /// <param name="queuedBefore">Cells queued before this one (0: the owner runs this cell next).</param>
    public bool TryPush(ActorCell cell, out int queuedBefore)
    {
        var tail = _indexes.Tail;
        var head = Volatile.Read(ref _indexes.Head);
        queuedBefore = (int)(tail - head);
        if (queuedBefore >= Capacity) return false;
        ClearTakenSlots(head);
        _cells[tail & Mask] = cell;
        // Release: a taker that sees the new tail sees the cell.
        Volatile.Write(ref _indexes.Tail, tail + 1);
        return true;
    }

    /// <summary>Takes the oldest cell for the owner.</summary>
    public ActorCell? TryTakeOwn()
    {
        var cell = TryTake();
        if (cell is not null) ClearTakenSlots(Volatile.Read(ref _indexes.Head));
        return cell;
    }

    /// <summary>Takes the oldest cell; the owner and thieves may call this.</summary>
    public ActorCell? TryTake()
    {
        while (true)
        {
            var head = Volatile.Read(ref _indexes.Head);
            var tail = Volatile.Read(ref _indexes.Tail);
            if (head == tail) return null;
            // Read before the CAS: once the head has moved the owner may overwrite this slot.
            var cell = Volatile.Read(ref _cells[head & Mask]);
            if (Interlocked.CompareExchange(ref _indexes.Head, head + 1, head) == head) return cell;
        }
    }

    /// <summary>Owner only, before it parks: clears what thieves took since the owner's last operation.</summary>
    public void ReleaseTaken() => ClearTakenSlots(Volatile.Read(ref _indexes.Head));

    /// <summary>Owner only: clears the slots below <paramref name="head"/> (all taken) not cleared yet.</summary>
    private void ClearTakenSlots(long head)
    {
        for (var i = _clearedUpTo; i < head; i++) _cells[i & Mask] = null;
        _clearedUpTo = head;
    }
}
