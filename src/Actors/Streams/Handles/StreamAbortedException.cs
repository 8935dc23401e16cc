namespace QuicActors.Streams;

/// <summary>
/// A stream operation failed because a direction of the stream was aborted: locally through
/// <see cref="StreamHandle.Abort"/>, or by the peer with RESET_STREAM or STOP_SENDING (RFC 9000 §3).
/// </summary>
public sealed class StreamAbortedException : IOException
{
    /// <summary>Creates the exception for an abort with <paramref name="errorCode"/>.</summary>
    public StreamAbortedException(StreamHalf half, long errorCode, bool byPeer)
        : base(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"The {(half == StreamHalf.Send ? "send" : "receive")} half of the stream was aborted by {(byPeer ? "the peer" : "the application")} with code {errorCode}."))
    {
        Half = half;
        ErrorCode = errorCode;
        ByPeer = byPeer;
    }

    /// <summary>Creates the exception with a message.</summary>
    public StreamAbortedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StreamAbortedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public StreamAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The half that was aborted.</summary>
    public StreamHalf Half { get; }

    /// <summary>The application error code of the abort (RFC 9000 §20.2).</summary>
    public long ErrorCode { get; }

    /// <summary>Whether the peer aborted (RESET_STREAM / STOP_SENDING) rather than this application.</summary>
    public bool ByPeer { get; }
}
