namespace QuicActors.Streams;

/// <summary>Helpers for <see cref="StreamError"/>.</summary>
public static class StreamErrorExtensions
{
    /// <summary>FLOW_CONTROL_ERROR, RFC 9000 §20.1.</summary>
    public const ulong FlowControlError = 0x03;

    /// <summary>FINAL_SIZE_ERROR, RFC 9000 §20.1.</summary>
    public const ulong FinalSizeError = 0x06;

    /// <summary>
    /// The QUIC transport error code (RFC 9000 §20.1) with which to close the connection for a peer protocol
    /// violation, or <see langword="null"/> when <paramref name="error"/> is not caused by the peer.
    /// </summary>
    public static ulong? ToTransportErrorCode(this StreamError error) => error switch
    {
        StreamError.FinalSizeError => FinalSizeError,
        // RFC 9000 §19.8 allows FLOW_CONTROL_ERROR or FRAME_ENCODING_ERROR for offsets past 2^62-1.
        StreamError.OffsetLimitExceeded => FlowControlError,
        _ => null,
    };
}
