using QuicActors.Kernel;
using QuicActors.Transport.Events;

namespace QuicActors.Streams.Internal;

/// <summary>
/// Stream events the event pump read in one go, in the engine's order, told to the connection actor as one message: under
/// load a pump wake-up finds about ten events, and one mailbox operation for them all instead of one each spares the
/// connection's mailbox (written from the pump's core, read on the actor's) most of its traffic. Connection-level events
/// are never batched: they go on their own, after the batch that came before them, so the order stays the engine's.
/// </summary>
/// <remarks>
/// Batches are reused through their <see cref="Spare"/>: the connection actor hands an emptied batch back
/// (<see cref="Return"/>), the pump takes it for its next run of events. One spare per connection is enough: a pump has few
/// batches in flight at once, and a batch that finds the spare taken is left to the GC.
/// </remarks>
internal sealed class StreamEventBatch : IDeadLetterAware
{
    /// <summary>The most events in one batch: enough to make the saving, short enough not to hold a turn.</summary>
    public const int Capacity = 32;

    private readonly StreamEvent[] _events = new StreamEvent[Capacity];

    /// <summary>How many events the batch holds.</summary>
    public int Count { get; private set; }

    /// <summary>Whether the batch can take no more.</summary>
    public bool IsFull => Count == Capacity;

    /// <summary>The event at <paramref name="index"/>.</summary>
    public StreamEvent this[int index] => _events[index];

    /// <summary>Empties the batch (without disposing its events, which have been handed on) and makes it <paramref name="spare"/>'s.</summary>
    public void Return(Spare spare)
    {
        Array.Clear(_events, 0, Count);
        Count = 0;
        spare.Put(this);
    }

    public void Add(StreamEvent streamEvent) => _events[Count++] = streamEvent;

    /// <summary>The connection actor had stopped: the pooled buffers of received data go back to their pool.</summary>
    public void OnDeadLetter()
    {
        for (var i = 0; i < Count; i++)
        {
            (_events[i] as IDisposable)?.Dispose();
        }
    }

    /// <summary>The one batch a connection keeps for reuse, shared by its pump (which takes it) and its actor (which returns it).</summary>
    internal sealed class Spare
    {
        private StreamEventBatch? _batch;

        /// <summary>The spare batch, or a new one.</summary>
        public StreamEventBatch Take() => Interlocked.Exchange(ref _batch, null) ?? new StreamEventBatch();

        public void Put(StreamEventBatch batch) => Volatile.Write(ref _batch, batch);
    }
}
