namespace QuicActors.Streams;

/// <summary>
/// What the host must do after telling the <see cref="StreamCreditLedger"/> that a half or a whole stream terminated.
/// </summary>
public enum StreamReleaseDecision
{
    /// <summary>Nothing yet: a half of the stream is not terminal, or the stream has not reported its own termination.</summary>
    Pending,

    /// <summary>
    /// Call <see cref="QuicActors.Transport.IQuicEngineConnection.ReleaseStream"/> for this stream now, once. For a stream
    /// the peer opened this gives one inbound slot back (RFC 9000 §4.6): the ledger already counts it as available.
    /// The ledger forgets the stream; this value is returned exactly once per stream.
    /// </summary>
    Release,

    /// <summary>The ledger does not track the stream: it was never opened or was already released. Nothing changed.</summary>
    UnknownStream,

    /// <summary>The stream has no such half at this endpoint (a unidirectional stream has one half). Nothing changed.</summary>
    NoSuchHalf,
}
