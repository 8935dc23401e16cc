using System.Runtime.InteropServices;

namespace QuicActors.Kernel.Internal;

/// <summary>
/// The user-message queue of one actor: many producers, one consumer (the actor's turn). Envelopes are
/// stored by value in ring segments, so enqueueing allocates nothing in steady state. Producers reserve a
/// slot with one CAS on the tail and publish it by writing the message last; the consumer takes slots with
/// plain writes. When a segment fills up it is frozen and a segment twice as large follows it, which keeps
/// FIFO order.
/// </summary>
/// <remarks>
/// <para>
/// Why the slots carry no sequence number: a slot is two references (16 bytes, four to a cache line), and
/// whether it is free is decided from the consumer's head, which producers read only when a cached copy of
/// it says the ring might be full (once per lap). When producer and consumer run on different cores, the
/// cache lines of the slots are what travels between them; fewer and smaller lines per message is what
/// makes the queue fast there.
/// </para>
/// <para>
/// Two sizes of segment: the first one is small and keeps its indexes next to each other (an actor that
/// receives a message now and then pays about 200 bytes for its queue); a segment that follows a full one
/// keeps the consumer's head and the producers' tail on separate cache lines (<see cref="PaddedIndexes"/>),
/// because under load they change on every message from different cores. An idle actor drops its whole
/// queue (<see cref="TryRetire"/>, see ActorCell.IdleMailboxes.cs), and the next message starts a small one.
/// </para>
/// <para>
/// No wake-up is lost: the reservation CAS is a full fence, so a producer that reserved a slot before the
/// consumer cleared its scheduled flag is seen by <see cref="IsEmpty"/> (it compares the reservation
/// counter, not the published slot), and one that reserved after sees the cleared flag and schedules the
/// actor.
/// </para>
/// </remarks>
internal sealed class MailboxQueue
{
    /// <summary>Slots of the first segment.</summary>
    public const int SmallLength = 4;

    private const int MaxLength = 32 * 1024;

    private Segment _head;
    private volatile Segment _tail;
    // A drained segment of the largest size, kept for the next time the tail fills up: a queue that stays
    // deeper than one segment would otherwise allocate (and zero) half a megabyte on the large object heap
    // every 32k messages, and each such allocation brings a full collection closer.
    private volatile Segment? _spare;
    private volatile bool _retired;

    public MailboxQueue()
    {
        _head = _tail = new Segment(SmallLength, padded: false);
    }

    /// <summary>True when no slot is reserved or filled (exact for the consumer; a hint for others).</summary>
    public bool IsEmpty
    {
        get
        {
            var segment = _head;
            return segment.Pending == 0 && segment.Next is null;
        }
    }

    /// <summary>
    /// Whether at least <paramref name="count"/> slots are reserved (or the consumer's segment is full and
    /// another follows it). Consumer only; reads the producers' tail.
    /// </summary>
    public bool HasBatch(int count)
    {
        var segment = _head;
        return segment.Next is not null || segment.Pending >= count;
    }

    /// <summary>
    /// Messages taken since the consumer last reset the count (<see cref="ResetTakenCount"/>); only the
    /// consumer may call this. Kept in the consumer's own cache line of the segment.
    /// </summary>
    public int TakenCount => _head.TakenCount;

    /// <summary>Starts counting taken messages from zero; only the consumer may call this.</summary>
    public void ResetTakenCount() => _head.ResetTakenCount();

    /// <summary>Whether the consumer's segment is a large, padded one (the queue has been under load).</summary>
    public bool IsLarge => _head.IsPadded;

    /// <summary>Whether <see cref="TryRetire"/> closed the queue for good.</summary>
    public bool IsRetired => _retired;

    /// <summary>Appends <paramref name="envelope"/>; the queue must not be retired.</summary>
    /// <exception cref="InvalidOperationException">The queue was retired.</exception>
    public void Enqueue(in Envelope envelope)
    {
        if (!TryEnqueue(envelope)) throw new InvalidOperationException("The mailbox queue was retired; enqueue into its successor.");
    }

    /// <summary>Appends <paramref name="envelope"/>; false (and nothing enqueued) when the queue was retired.</summary>
    public bool TryEnqueue(in Envelope envelope) => _tail.TryEnqueue(envelope) || EnqueueSlow(envelope);

    private bool EnqueueSlow(in Envelope envelope)
    {
        while (true)
        {
            var tail = _tail;
            if (tail.TryEnqueue(envelope)) return true;
            lock (this)
            {
                // A retired queue's only segment is frozen for good: the caller moves to the cell's next queue.
                if (_retired) return false;
                if (_tail == tail)
                {
                    tail.Freeze();
                    var length = Math.Min(tail.Length * 2, MaxLength);
                    var next = Interlocked.Exchange(ref _spare, null) is { } spare && spare.Length == length
                        ? spare.Reopen()
                        : new Segment(length, padded: true);
                    tail.Next = next;
                    _tail = next;
                }
            }
        }
    }

    /// <summary>
    /// Takes the oldest envelope; only the consumer may call this. False when the oldest slot is empty or
    /// reserved by a producer that has not written it yet: the consumer does not wait at the producers' heels
    /// (reading the line a producer is writing takes it away from that producer); <see cref="IsEmpty"/> tells
    /// the two cases apart.
    /// </summary>
    public bool TryDequeue(out Envelope envelope)
    {
        while (true)
        {
            var segment = _head;
            if (segment.TryDequeue(out envelope)) return true;
            // Empty here: move on only if the segment is frozen and every reserved slot has been taken.
            var next = segment.Next;
            if (next is null || !segment.IsDrained) return false;
            next.InheritTakenCount(segment);
            _head = next;
            if (segment.Length == MaxLength) _spare = segment;
        }
    }

    /// <summary>
    /// Closes an empty queue for good, so its owner can drop it (an idle actor then holds no queue at all).
    /// Only whoever holds the owner's scheduled bit may call this. False (and nothing changed) when the
    /// queue holds or a producer has reserved a slot.
    /// </summary>
    /// <remarks>
    /// The only segment is frozen by a CAS of its tail from "equal to the head" to "frozen", which fails if a
    /// producer reserved a slot first, so no slot can be reserved after it; a producer that still holds this queue then finds the segment full, takes the lock, sees
    /// the queue retired and enqueues into the owner's next queue instead (<see cref="TryEnqueue"/> false).
    /// </remarks>
    public bool TryRetire()
    {
        var segment = _head;
        if (segment.Next is not null) return false;
        lock (this)
        {
            if (_retired || _tail != segment || !segment.TryFreezeEmpty()) return false;
            _retired = true;
            _spare = null;
            return true;
        }
    }

    private sealed class Segment
    {
        private readonly Slot[] _slots;
        private readonly int _mask;
        private readonly int _freezeOffset;
        private readonly PaddedIndexes? _padded;
        // The indexes of a small segment (unused when _padded is set): one cache line is fine for an actor
        // that is not under load, and saves the 200 bytes of padding.
        private int _smallHead;
        private int _smallTail;
        private int _smallCachedHead;
        private int _smallTakenBase;
        private bool _frozen;

        public Segment(int length, bool padded)
        {
            _slots = new Slot[length];
            _mask = length - 1;
            _freezeOffset = length * 2;
            if (padded) _padded = new PaddedIndexes();
        }

        public Segment? Next { get; set; }

        public int Length => _slots.Length;

        public bool IsPadded => _padded is not null;

        private ref int Head => ref _padded is { } p ? ref p.Head : ref _smallHead;

        private ref int Tail => ref _padded is { } p ? ref p.Tail : ref _smallTail;

        private ref int CachedHead => ref _padded is { } p ? ref p.CachedHead : ref _smallCachedHead;

        private ref int TakenBase => ref _padded is { } p ? ref p.TakenBase : ref _smallTakenBase;

        /// <summary>
        /// Slots reserved and not yet taken. Computed from the tail alone (differences survive int wrap-around):
        /// an open segment never has more than its length pending, a frozen one carries the freeze offset.
        /// </summary>
        public int Pending
        {
            get
            {
                var pending = Volatile.Read(ref Tail) - Head;
                return pending >= _freezeOffset ? pending - _freezeOffset : pending;
            }
        }

        public bool IsDrained => Volatile.Read(ref Tail) - Head == _freezeOffset;

        public int TakenCount => Head - TakenBase;

        public void ResetTakenCount() => TakenBase = Head;

        /// <summary>Carries the count of the segment the consumer leaves over to this one.</summary>
        public void InheritTakenCount(Segment previous) => TakenBase = Head - previous.TakenCount;

        /// <summary>Reserves and fills the next slot; false when the segment is full or frozen.</summary>
        public bool TryEnqueue(in Envelope envelope)
        {
            var length = _slots.Length;
            ref var tailIndex = ref Tail;
            ref var cachedHead = ref CachedHead;
            while (true)
            {
                var tail = Volatile.Read(ref tailIndex);
                // Every slot before the head has been emptied by the consumer (it clears a slot before it
                // advances the head), so tail - head < length means the slot at tail is free. A frozen
                // segment's tail carries twice the length, so it always looks full.
                if (tail - Volatile.Read(ref cachedHead) >= length)
                {
                    var head = Volatile.Read(ref Head);
                    if (tail - head >= length) return false;
                    // Another producer may store an older head after this one: harmless, a stale copy only
                    // sends the next producer to read the real head again.
                    Volatile.Write(ref cachedHead, head);
                }
                if (Interlocked.CompareExchange(ref tailIndex, tail + 1, tail) == tail)
                {
                    ref var slot = ref _slots[tail & _mask];
                    slot.Sender = envelope.Sender;
                    // Publishes the slot: the consumer takes a slot once its message is not null.
                    Volatile.Write(ref slot.Message, envelope.Message);
                    return true;
                }
            }
        }

        /// <summary>Takes the slot at the head if it has been published.</summary>
        public bool TryDequeue(out Envelope envelope)
        {
            ref var headIndex = ref Head;
            var head = headIndex;
            ref var slot = ref _slots[head & _mask];
            var message = Volatile.Read(ref slot.Message);
            if (message is null)
            {
                envelope = default;
                return false;
            }
            envelope = new Envelope(message, slot.Sender);
            slot.Sender = null;
            slot.Message = null;
            // Release: producers that see the new head also see the slot cleared.
            Volatile.Write(ref headIndex, head + 1);
            return true;
        }

        /// <summary>Stops further enqueues; producers then move to <see cref="Next"/>. Called under the queue lock.</summary>
        public void Freeze()
        {
            if (_frozen) return;
            _frozen = true;
            Interlocked.Add(ref Tail, _freezeOffset);
        }

        /// <summary>
        /// Makes a drained segment the empty tail again, continuing its indexes: a producer holding a tail value
        /// older than the freeze fails its CAS; one holding the freeze-time value may win it and fills the slot at
        /// the head, which is free. Called under the queue lock, before the
        /// segment is linked: a producer that still holds this segment from its first life may enqueue as
        /// soon as the tail drops, which is fine, because the segment is about to become the tail anyway and
        /// the consumer only reaches it after the segment before it.
        /// </summary>
        public Segment Reopen()
        {
            Next = null;
            TakenBase = Head;
            _frozen = false;
            Interlocked.Add(ref Tail, -_freezeOffset);
            return this;
        }

        /// <summary>Freezes the segment if no slot is reserved or filled. Consumer only, under the queue lock.</summary>
        public bool TryFreezeEmpty()
        {
            if (_frozen) return false;
            var head = Head;
            if (Interlocked.CompareExchange(ref Tail, head + _freezeOffset, head) != head) return false;
            _frozen = true;
            return true;
        }

        private struct Slot
        {
            public object? Message;
            public IActorRef? Sender;
        }
    }

    /// <summary>
    /// The indexes of a large segment: the consumer's head (with its taken-count base) and the producers'
    /// tail with their cached copy of the head, on separate cache lines, since under load the head changes
    /// on every dequeue and the tail on every enqueue, from different cores. The object is only 8-byte
    /// aligned, so 64 bytes of padding go before, between and after.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 184)]
    private sealed class PaddedIndexes
    {
        [FieldOffset(56)] public int Head;
        [FieldOffset(60)] public int TakenBase;
        [FieldOffset(120)] public int Tail;
        [FieldOffset(124)] public int CachedHead;
    }
}
