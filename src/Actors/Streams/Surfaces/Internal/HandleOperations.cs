namespace QuicActors.Streams.Surfaces.Internal;

/// <summary>
/// Handle reads and writes with a <see cref="CancellationToken"/>. The handle has none on purpose (a deadline fails one read
/// and loses nothing), so a surface that must honour a token gives the direction up instead: a pending read left behind
/// would swallow bytes nobody sees, and a pending write would keep the caller's buffer past the call.
/// </summary>
internal static class HandleOperations
{
    /// <summary>
    /// Reads into <paramref name="buffer"/>; when <paramref name="cancellationToken"/> fires first, sends STOP_SENDING with
    /// <see cref="StreamSurfaceOptions.ReadAbandonedErrorCode"/>, waits for the read to let go of the buffer, and throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async ValueTask<int> ReadAsync(StreamHandle stream, Memory<byte> buffer, TimeSpan? deadline, StreamSurfaceOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var read = stream.ReadAsync(buffer, deadline);
        try
        {
            return await (cancellationToken.CanBeCanceled ? read.WaitAsync(cancellationToken) : read).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !read.IsCompleted)
        {
            AbortQuietly(stream, StreamAbortDirection.Read, options.ReadAbandonedErrorCode);
            await ((Task)read).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        catch (OperationCanceledException) when (read.IsCompletedSuccessfully)
        {
            // The read finished as the token fired: its bytes are in the buffer and must be counted, not lost.
            return read.Result;
        }
        catch (InvalidOperationException) when (stream.ReceiveAbort is { } aborted)
        {
            throw aborted;
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/>; when <paramref name="cancellationToken"/> fires first, resets the send half with
    /// <see cref="StreamSurfaceOptions.WriteFailedErrorCode"/>, waits for the write to let go of the data, and throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async ValueTask WriteAsync(StreamHandle stream, ReadOnlyMemory<byte> data, bool completeWrites, StreamSurfaceOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = stream.WriteAsync(data, completeWrites);
        try
        {
            await (cancellationToken.CanBeCanceled ? write.WaitAsync(cancellationToken) : write).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !write.IsCompleted)
        {
            AbortQuietly(stream, StreamAbortDirection.Write, options.WriteFailedErrorCode);
            await write.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        catch (OperationCanceledException) when (write.IsCompletedSuccessfully)
        {
            // The write finished as the token fired: the bytes went out, so the call succeeded.
        }
        catch (InvalidOperationException) when (stream.SendAbort is { } aborted)
        {
            throw aborted;
        }
    }

    /// <summary>
    /// The exception a surface reports for <paramref name="exception"/> from an operation on <paramref name="half"/>: the
    /// abort that ended the half when the operation failed only because the half had ended (a command that raced the
    /// abort to the stream actor), else <paramref name="exception"/>.
    /// </summary>
    public static Exception Explain(StreamHandle stream, StreamHalf half, Exception exception) =>
        exception is InvalidOperationException && (half == StreamHalf.Send ? stream.SendAbort : stream.ReceiveAbort) is { } aborted
            ? aborted
            : exception;

    /// <summary>Aborts <paramref name="direction"/>, ignoring a stale handle: its generation has ended and nothing may reach the wire, which is what an abort wants.</summary>
    public static void AbortQuietly(StreamHandle stream, StreamAbortDirection direction, long errorCode)
    {
        try
        {
            stream.Abort(direction, errorCode);
        }
        catch (StaleHandleException)
        {
            // See the summary.
        }
    }
}
