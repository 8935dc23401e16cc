namespace QuicActors.Streams;

/// <summary>What <see cref="StreamCreditLedger.TryEnqueueOpen"/> did with a request to open a stream.</summary>
public enum OutboundOpenOutcome
{
    /// <summary>Credit was available and nobody waited ahead: one outbound slot is reserved; open the stream now.</summary>
    Proceed,

    /// <summary>No credit: the request waits, in FIFO order, until the peer grants more (MAX_STREAMS) or its deadline passes.</summary>
    Queued,

    /// <summary>The queue of waiting opens is at its configured bound; the request was refused and nothing is queued.</summary>
    QueueFull,
}
