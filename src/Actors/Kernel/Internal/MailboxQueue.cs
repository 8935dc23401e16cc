using System.Runtime.InteropServices;

namespace QuicActors.Kernel.Internal;

/// <summary>
/// The user-message queue of one actor: many producers, one consumer (the actor's turn). Envelopes are
/// stored by value in ring segments, so enqueueing allocates nothing in steady state. Producers reserve a
/// slot with one CAS and publish it with a sequence number; the consumer takes slots with plain writes.
/// When a segment fills up it is frozen and a segment twice as large follows it, which keeps FIFO order.
/// </summary>
/// <remarks>
/// The reservation CAS is a full fence: a producer that reserved a slot before the consumer cleared its
/// scheduled flag is seen by <see cref="IsEmpty"/> (it compares the reservation counter, not the published
/// slot), and one that reserved after sees the cleared flag and schedules the actor. No wake-up is lost.
/// </remarks>
internal sealed class MailboxQueue
{
    private const int InitialLength = 32;
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
        var tail = _tail;
        if (tail.TryEnqueue(envelope)) return;
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
        /// The consumer's head and the producers' tail on separate cache lines: the head changes on every
        /// dequeue and the tail on every enqueue, from different cores.
        /// </summary>
        [StructLayout(LayoutKind.Explicit, Size = 192)]
        private struct Indexes
        {
            [FieldOffset(64)] public int Head;
            [FieldOffset(128)] public int Tail;
        }

        public Segment(int length)
        {
            _slots = new Slot[length];
            _mask = length - 1;
            _freezeOffset = length * 2;
            for (var i = 0; i < length; i++) _slots[i].Sequence = i;
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

        public bool TryEnqueue(in Envelope envelope)
        {
            var slots = _slots;
            while (true)
            {
                var tail = Volatile.Read(ref _indexes.Tail);
                ref var slot = ref slots[tail & _mask];
                var diff = Volatile.Read(ref slot.Sequence) - tail;
                if (diff == 0)
                {
                    if (Interlocked.CompareExchange(ref _indexes.Tail, tail + 1, tail) == tail)
                    {
                        slot.Message = envelope.Message;
                        slot.Sender = envelope.Sender;
                        Volatile.Write(ref slot.Sequence, tail + 1);
                        return true;
                    }
                }
                else if (diff < 0)
                {
                    return false; // full, or frozen
                }
            }
        }

        public bool TryDequeue(out Envelope envelope)
        {
            var head = _indexes.Head;
            ref var slot = ref _slots[head & _mask];
            if (Volatile.Read(ref slot.Sequence) != head + 1)
            {
                // Either empty, or a producer reserved the slot and is about to publish it.
                if (Pending == 0)
                {
                    envelope = default;
                    return false;
                }
                var spinner = default(SpinWait);
                while (Volatile.Read(ref slot.Sequence) != head + 1) spinner.SpinOnce(sleep1Threshold: -1);
            }
            envelope = new Envelope(slot.Message!, slot.Sender);
            slot.Message = null;
            slot.Sender = null;
            _indexes.Head = head + 1;
            Volatile.Write(ref slot.Sequence, head + _slots.Length);
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
            public int Sequence;
        }
    }
}
