namespace QuicActors.Transport.InMemory.Internal;

/// <summary>One stream as an endpoint knows it: the halves it has (RFC 9000 §2.1) and whether it was opened in 0-RTT.</summary>
internal sealed class StreamEntry(QuicStreamId id, InMemorySendStream? send, InMemoryReceiveStream? receive, bool early)
{
    public QuicStreamId Id { get; } = id;

    public InMemorySendStream? Send { get; } = send;

    public InMemoryReceiveStream? Receive { get; } = receive;

    public bool Early { get; } = early;
}

/// <summary>A stream open waiting, in FIFO order, for the peer's MAX_STREAMS credit (RFC 9000 §4.6).</summary>
internal sealed class OpenWaiter(StreamDirection direction) : TaskCompletionSource<QuicStreamId>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public StreamDirection Direction { get; } = direction;

    public LinkedListNode<OpenWaiter>? Node { get; set; }

    public CancellationTokenRegistration Registration { get; set; }
}

/// <summary>
/// The streams of one endpoint and the counters behind stream IDs and stream limits: for streams we open, the next
/// index and the peer's cumulative limit; for streams the peer opens, how many it opened and the limit we advertised.
/// Indexed by direction (0 bidirectional, 1 unidirectional).
/// </summary>
internal sealed class StreamsMap
{
    private readonly Dictionary<long, StreamEntry> _streams = [];

    public long[] NextOutgoing { get; } = new long[2];

    public long[] PeerMaxStreams { get; } = new long[2];

    public LinkedList<OpenWaiter>[] Waiters { get; } = [new(), new()];

    public long[] IncomingOpened { get; } = new long[2];

    public long[] LocalMaxStreams { get; } = new long[2];

    public int Count => _streams.Count;

    public IEnumerable<StreamEntry> Entries => _streams.Values;

    public static int IndexOf(StreamDirection direction) => direction == StreamDirection.Bidirectional ? 0 : 1;

    public bool TryGet(QuicStreamId id, out StreamEntry entry) => _streams.TryGetValue(id.Value, out entry!);

    public void Add(StreamEntry entry) => _streams.Add(entry.Id.Value, entry);

    public bool Remove(QuicStreamId id) => _streams.Remove(id.Value);

    public void Clear() => _streams.Clear();

    /// <summary>How many streams of <paramref name="direction"/> we may open now.</summary>
    public long Available(StreamDirection direction)
    {
        var d = IndexOf(direction);
        return Math.Max(0, PeerMaxStreams[d] - NextOutgoing[d]);
    }
}
