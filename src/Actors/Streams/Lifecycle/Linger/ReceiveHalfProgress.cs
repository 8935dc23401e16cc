namespace QuicActors.Streams;

/// <summary>
/// The receive half as the linger policy needs to see it. The host maps RFC 9000 §3.2 states onto it: Recv, Size Known
/// and Data Recvd while unread data remains → <see cref="Open"/>; after STOP_SENDING was sent from one of those →
/// <see cref="StopSendingSent"/>; Data Read, Reset Recvd and Reset Read → <see cref="Terminal"/> (a received reset leaves
/// nothing to drain); no receive half at this endpoint (our unidirectional stream) → <see cref="Absent"/>.
/// </summary>
public enum ReceiveHalfProgress
{
    /// <summary>The stream has no receive half at this endpoint.</summary>
    Absent,

    /// <summary>Data may still arrive or wait unread; the end of the stream was not read.</summary>
    Open,

    /// <summary>STOP_SENDING was sent; the peer's RESET_STREAM is awaited. Nothing more to do.</summary>
    StopSendingSent,

    /// <summary>The half reached a terminal state, or a reset arrived.</summary>
    Terminal,
}
