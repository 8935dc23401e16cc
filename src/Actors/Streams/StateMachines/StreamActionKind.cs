namespace QuicActors.Streams;

/// <summary>What the host of a state machine must put on the wire after a step.</summary>
public enum StreamActionKind : byte
{
    /// <summary>Nothing to send.</summary>
    None = 0,

    /// <summary>Send RESET_STREAM with the action's error code and final size (RFC 9000 §3.1, §3.5, §19.4).</summary>
    SendResetStream,

    /// <summary>Send STOP_SENDING with the action's error code (RFC 9000 §3.5, §19.5).</summary>
    SendStopSending,
}
