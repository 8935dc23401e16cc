namespace QuicActors.Streams;

/// <summary>What <see cref="StreamCreditLedger.OnPeerStreamOpened"/> made of a stream the peer opened.</summary>
public enum PeerStreamOpenOutcome
{
    /// <summary>The stream took one inbound slot; it keeps it until the ledger says <see cref="StreamReleaseDecision.Release"/>.</summary>
    Accepted,

    /// <summary>
    /// The peer opened a stream beyond the cumulative limit we advertised: a STREAM_LIMIT_ERROR connection error
    /// (RFC 9000 §4.6). The ledger is unchanged; the host must close the connection.
    /// </summary>
    StreamLimitExceeded,

    /// <summary>The stream was already reported (it is live, or it was released): nothing changed. The engine reported it twice.</summary>
    AlreadyOpened,

    /// <summary>
    /// A lower stream ID of the same type was never reported. The engine contract reports implicitly opened streams
    /// first (RFC 9000 §3.2), so this is an engine fault; nothing changed.
    /// </summary>
    OutOfOrder,
}
