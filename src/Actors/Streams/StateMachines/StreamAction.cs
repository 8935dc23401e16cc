namespace QuicActors.Streams;

/// <summary>A frame the host must send because of a step of a state machine.</summary>
/// <param name="Kind">Which frame, or <see cref="StreamActionKind.None"/>.</param>
/// <param name="ErrorCode">The application error code to put in the frame.</param>
/// <param name="FinalSize">
/// For RESET_STREAM, the final size of the stream (RFC 9000 §4.5). Filled by <see cref="SendHalf"/>, which
/// knows the bytes sent; <see langword="null"/> from the offset-free <see cref="SendStateMachine"/>.
/// </param>
public readonly record struct StreamAction(StreamActionKind Kind, ulong ErrorCode, ulong? FinalSize)
{
    /// <summary>No frame to send.</summary>
    public static StreamAction None => default;

    /// <summary>Send RESET_STREAM with <paramref name="errorCode"/>.</summary>
    public static StreamAction SendResetStream(ulong errorCode, ulong? finalSize = null) =>
        new(StreamActionKind.SendResetStream, errorCode, finalSize);

    /// <summary>Send STOP_SENDING with <paramref name="errorCode"/>.</summary>
    public static StreamAction SendStopSending(ulong errorCode) =>
        new(StreamActionKind.SendStopSending, errorCode, null);
}
