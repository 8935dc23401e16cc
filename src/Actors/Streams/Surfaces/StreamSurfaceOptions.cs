using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>
/// How the surfaces of a <see cref="StreamHandle"/> (<see cref="StreamHandleSurfaces.AsDuplexPipe"/>,
/// <see cref="StreamHandleSurfaces.ReadAllAsync(StreamHandle, CancellationToken)"/>, <see cref="StreamHandleSurfaces.WriteAllAsync"/>,
/// <see cref="StreamHandleSurfaces.AsStream"/>) end a direction that their user gave up on, and how much they read at once.
/// </summary>
/// <remarks>
/// A surface that stops reading before the end of the stream sends STOP_SENDING at once (RFC 9000 §3.5) rather than
/// leaving the stream to the linger policy: nothing would read the bytes, so the peer would only fill the stream's
/// flow-control window (§4.1) and wait. A surface whose producer fails resets the send half (RESET_STREAM, §19.4), so the
/// peer never mistakes a truncated stream for a complete one.
/// </remarks>
public sealed record StreamSurfaceOptions
{
    private readonly long _readAbandonedErrorCode;
    private readonly long _writeFailedErrorCode;
    private readonly int _readBufferSize = 16 * 1024;

    /// <summary>Codes 0, reads of 16 KiB.</summary>
    public static StreamSurfaceOptions Default { get; } = new();

    /// <summary>
    /// The application error code of the STOP_SENDING sent when a surface stops reading before the end of the stream
    /// (a pipe reader completed early, a cancelled read, a disposed <see cref="Stream"/>) and no code came with it.
    /// Defaults to 0, the same code as <see cref="LingerPolicy.StopSendingErrorCode"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..2^62-1 (RFC 9000 §20.2).</exception>
    public long ReadAbandonedErrorCode
    {
        get => _readAbandonedErrorCode;
        init
        {
            ApplicationErrorCodes.Validate(value, nameof(ReadAbandonedErrorCode));
            _readAbandonedErrorCode = value;
        }
    }

    /// <summary>
    /// The application error code of the RESET_STREAM sent when a surface's producer fails with an exception that is not
    /// a <see cref="StreamAbortedException"/> (which brings its own code), or a write is cancelled. Defaults to 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..2^62-1 (RFC 9000 §20.2).</exception>
    public long WriteFailedErrorCode
    {
        get => _writeFailedErrorCode;
        init
        {
            ApplicationErrorCodes.Validate(value, nameof(WriteFailedErrorCode));
            _writeFailedErrorCode = value;
        }
    }

    /// <summary>
    /// How many bytes a surface asks the handle for in one read (a pipe's write buffer, a pooled enumeration buffer).
    /// One read returns at most what the stream has buffered, so this caps, but does not fix, the size of a read.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in 1..16 MiB.</exception>
    public int ReadBufferSize
    {
        get => _readBufferSize;
        init => _readBufferSize = value is > 0 and <= 16 * 1024 * 1024
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ReadBufferSize), value, $"{nameof(StreamSurfaceOptions)}.{nameof(ReadBufferSize)} = {value}: must be in 1..16777216 bytes.");
    }

    /// <summary>The code for a failed producer: the code of a <see cref="StreamAbortedException"/>, else <see cref="WriteFailedErrorCode"/>.</summary>
    internal long WriteErrorCodeFor(Exception? exception) => exception is StreamAbortedException aborted && aborted.ErrorCode is >= 0 and <= ApplicationErrorCodes.MaxValue
        ? aborted.ErrorCode
        : WriteFailedErrorCode;

    /// <summary>The code for an abandoned read: the code of a <see cref="StreamAbortedException"/>, else <see cref="ReadAbandonedErrorCode"/>.</summary>
    internal long ReadErrorCodeFor(Exception? exception) => exception is StreamAbortedException aborted && aborted.ErrorCode is >= 0 and <= ApplicationErrorCodes.MaxValue
        ? aborted.ErrorCode
        : ReadAbandonedErrorCode;
}
