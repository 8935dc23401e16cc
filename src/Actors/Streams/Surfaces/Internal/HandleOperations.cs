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
        if (!cancellationToken.CanBeCanceled || read.IsCompleted)
        {
            return await read.ConfigureAwait(false);
        }

        try
        {
            return await read.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AbortQuietly(stream, StreamAbortDirection.Read, options.ReadAbandonedErrorCode);
            await ((Task)read).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
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
        if (!cancellationToken.CanBeCanceled || write.IsCompleted)
        {
            await write.ConfigureAwait(false);
            return;
        }

        try
        {
            await write.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AbortQuietly(stream, StreamAbortDirection.Write, options.WriteFailedErrorCode);
            await write.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
    }

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
