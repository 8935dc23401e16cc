namespace QuicActors.Streams;

/// <summary>
/// What a client's connection actor does with the streams it opened in 0-RTT when the server rejects early data
/// (RFC 9001 §4.6.2: the early streams are gone and stream IDs start again at 0, RFC 9000 §2.1).
/// </summary>
public enum EarlyDataReplayPolicy
{
    /// <summary>
    /// The default: the early streams end as discarded and their handles stay inert (every operation throws
    /// <see cref="StaleHandleException"/> naming the ended generation). The application opens new streams itself.
    /// </summary>
    Fail,

    /// <summary>
    /// The connection re-opens each early stream in the new generation, in the order they were opened, re-sends the bytes
    /// written through the old handle before the rejection (and its FIN, if one was written), and hands the application a
    /// new handle (<see cref="QuicConnection.GetReplacementAsync"/>, and an <see cref="EarlyStreamReplayed"/> on the actor
    /// system's event stream). The old handle stays inert. Only for requests that are safe to send twice: the server may
    /// have seen nothing, or (on another connection) everything.
    /// </summary>
    Replay,
}
