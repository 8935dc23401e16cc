using System.Runtime.InteropServices;

namespace QuicActors.Kernel.Internal.Dispatch;

/// <summary>
/// The run queue of one <see cref="DispatcherWorker"/>: a fixed ring that only its worker pushes to (no
/// atomic operation) and that its worker and thieves take from, oldest first, with one CAS on the head.
/// </summary>
/// <remarks>
/// A taken slot is not cleared: a thief cannot clear it after its CAS (the owner may already reuse the
/// slot), so a slot keeps its last cell reachable until the ring wraps round to it (at most
/// <see cref="Capacity"/> cells per worker).
/// </remarks>
internal sealed class LocalRunQueue
{
    public const int Capacity = 256;
    private const int Mask = Capacity - 1;

    private readonly ActorCell?[] _cells = new ActorCell?[Capacity];
    private Indexes _indexes;

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
    /// <param name="wasEmpty">Whether the ring was empty before, i.e. the owner will run this cell next.</param>
    public bool TryPush(ActorCell cell, out bool wasEmpty)
    {
        var tail = _indexes.Tail;
        var head = Volatile.Read(ref _indexes.Head);
        wasEmpty = tail == head;
        if (tail - head >= Capacity) return false;
        _cells[tail & Mask] = cell;
        // Release: a taker that sees the new tail sees the cell.
        Volatile.Write(ref _indexes.Tail, tail + 1);
        return true;
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
}
