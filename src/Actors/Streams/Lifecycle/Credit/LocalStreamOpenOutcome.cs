namespace QuicActors.Streams;

/// <summary>What <see cref="StreamCreditLedger.OnLocalStreamOpened"/> made of a stream we opened.</summary>
public enum LocalStreamOpenOutcome
{
    /// <summary>The stream is tracked until both of its halves and the stream itself have terminated.</summary>
    Tracked,

    /// <summary>No credit was reserved for a stream with this index (<see cref="StreamCreditLedger.TryEnqueueOpen"/> never let it proceed); nothing changed.</summary>
    NotReserved,

    /// <summary>The stream is already tracked; nothing changed.</summary>
    AlreadyTracked,
}
