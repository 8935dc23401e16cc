namespace QuicActors.Streams;

/// <summary>
/// The send half as the linger policy needs to see it. The host maps RFC 9000 §3.1 states onto it: Ready and Send →
/// <see cref="Open"/>; Data Sent → <see cref="FinSent"/>; Reset Sent → <see cref="ResetSent"/>; Data Recvd and Reset
/// Recvd → <see cref="Terminal"/>; no send half at this endpoint (the peer's unidirectional stream) → <see cref="Absent"/>.
/// </summary>
public enum SendHalfProgress
{
    /// <summary>The stream has no send half at this endpoint.</summary>
    Absent,

    /// <summary>Data may still be written; no FIN was sent.</summary>
    Open,

    /// <summary>All data and the FIN were sent; their acknowledgement is awaited.</summary>
    FinSent,

    /// <summary>RESET_STREAM was sent; its acknowledgement is awaited. Nothing more to do.</summary>
    ResetSent,

    /// <summary>The half reached a terminal state.</summary>
    Terminal,
}
