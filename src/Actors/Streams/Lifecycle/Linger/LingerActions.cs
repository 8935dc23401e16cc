namespace QuicActors.Streams;

/// <summary>What the linger policy asks the host to do now. Several may apply at once (one per half).</summary>
[Flags]
public enum LingerActions
{
    /// <summary>Nothing to do now.</summary>
    None = 0,

    /// <summary>Keep reading and discarding the receive half, consuming the bytes so the peer may finish.</summary>
    Drain = 1,

    /// <summary>Send STOP_SENDING with <see cref="LingerDecision.StopSendingErrorCode"/> (RFC 9000 §19.5).</summary>
    SendStopSending = 2,

    /// <summary>End the send half with FIN.</summary>
    SendFin = 4,

    /// <summary>Send RESET_STREAM with <see cref="LingerDecision.ResetErrorCode"/> (RFC 9000 §19.4).</summary>
    SendReset = 8,
}
