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
/// No wake-up is lost: the reservation CAS is a full fence, so a producer that reserved a slot before the
/// consumer cleared its scheduled flag is seen by <see cref="IsEmpty"/> (it compares the reservation
/// counter, not the published slot), and one that reserved after sees the cleared flag and schedules the
/// actor.
/// </para>
/// </remarks>
internal sealed class MailboxQueue
{
    private const int InitialLength = 4;
    private const int MaxLength = 32 * 1024;

    private Segment _head;
    private volatile Segment _tail;

    public MailboxQueue()
    {
        _head = _tail = new Segment(InitialLength);
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

    public void Enqueue(in Envelope envelope)
    {
        if (_tail.TryEnqueue(envelope)) return;
        EnqueueSlow(envelope);
    }

    private void EnqueueSlow(in Envelope envelope)
    {
        while (true)
        {
            var tail = _tail;
            if (tail.TryEnqueue(envelope)) return;
            lock (this)
            {
                if (_tail == tail)
                {
                    tail.Freeze();
                    var next = new Segment(Math.Min(tail.Length * 2, MaxLength));
                    tail.Next = next;
                    _tail = next;
                }
            }
        }
    }

    /// <summary>Takes the oldest envelope; only the consumer may call this.</summary>
    public bool TryDequeue(out Envelope envelope)
    {
        while (true)
        {
            var segment = _head;
            if (segment.TryDequeue(out envelope)) return true;
            // Empty here: move on only if the segment is frozen and every reserved slot has been taken.
            var next = segment.Next;
            if (next is null || !segment.IsDrained) return false;
            _head = next;
        }
    }

    private sealed class Segment
    {
        private readonly Slot[] _slots;
        private readonly int _mask;
        private readonly int _freezeOffset;
        private Indexes _indexes;
        private bool _frozen;

        /// <summary>
        /// The consumer's head, and the producers' tail with their cached copy of the head, on separate cache
        /// lines: the head changes on every dequeue and the tail on every enqueue, from different cores.
        /// </summary>
        [StructLayout(LayoutKind.Explicit, Size = 192)]
        private struct Indexes
        {
            [FieldOffset(64)] public int Head;
            [FieldOffset(128)] public int Tail;
            [FieldOffset(132)] public int CachedHead;
        }

        public Segment(int length)
        {
            _slots = new Slot[length];
            _mask = length - 1;
            _freezeOffset = length * 2;
        }

        public Segment? Next { get; set; }

        public int Length => _slots.Length;

        /// <summary>
        /// Slots reserved and not yet taken. Computed from the tail alone (differences survive int wrap-around):
        /// an open segment never has more than its length pending, a frozen one carries the freeze offset.
        /// </summary>
        public int Pending
        {
            get
            {
                var pending = Volatile.Read(ref _indexes.Tail) - _indexes.Head;
                return pending >= _freezeOffset ? pending - _freezeOffset : pending;
            }
        }

        public bool IsDrained => Volatile.Read(ref _indexes.Tail) - _indexes.Head == _freezeOffset;

        /// <summary>Reserves and fills the next slot; false when the segment is full or frozen.</summary>
        public bool TryEnqueue(in Envelope envelope)
        {
            var length = _slots.Length;
            while (true)
            {
                var tail = Volatile.Read(ref _indexes.Tail);
                // Every slot before the head has been emptied by the consumer (it clears a slot before it
                // advances the head), so tail - head < length means the slot at tail is free. A frozen
                // segment's tail carries twice the length, so it always looks full.
                if (tail - Volatile.Read(ref _indexes.CachedHead) >= length)
                {
                    var head = Volatile.Read(ref _indexes.Head);
                    if (tail - head >= length) return false;
                    // Another producer may store an older head after this one: harmless, a stale copy only
                    // sends the next producer to read the real head again.
                    Volatile.Write(ref _indexes.CachedHead, head);
                }
                if (Interlocked.CompareExchange(ref _indexes.Tail, tail + 1, tail) == tail)
                {
                    ref var slot = ref _slots[tail & _mask];
                    slot.Sender = envelope.Sender;
                    // Publishes the slot: the consumer takes a slot once its message is not null.
                    Volatile.Write(ref slot.Message, envelope.Message);
                    return true;
                }
            }
        }

        public bool TryDequeue(out Envelope envelope)
        {
            var head = _indexes.Head;
            ref var slot = ref _slots[head & _mask];
            var message = Volatile.Read(ref slot.Message);
            if (message is null)
            {
                // Either empty, or a producer reserved the slot and is about to publish it.
                if (Pending == 0)
                {
                    envelope = default;
                    return false;
                }
                var spinner = default(SpinWait);
                while ((message = Volatile.Read(ref slot.Message)) is null) spinner.SpinOnce(sleep1Threshold: -1);
            }
            envelope = new Envelope(message, slot.Sender);
            slot.Sender = null;
            slot.Message = null;
            // Release: producers that see the new head also see the slot cleared.
            Volatile.Write(ref _indexes.Head, head + 1);
            return true;
        }

        /// <summary>Stops further enqueues; producers then move to <see cref="Next"/>. Called under the queue lock.</summary>
        public void Freeze()
        {
            if (_frozen) return;
            _frozen = true;
            Interlocked.Add(ref _indexes.Tail, _freezeOffset);
        }

        private struct Slot
        {
            public object? Message;
            public IActorRef? Sender;
        }
    }
}
