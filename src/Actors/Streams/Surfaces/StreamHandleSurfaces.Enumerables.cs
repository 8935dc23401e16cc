using System.Buffers;
using System.Runtime.CompilerServices;
using QuicActors.Streams.Surfaces.Internal;

namespace QuicActors.Streams;

public static partial class StreamHandleSurfaces
{
    /// <summary>
    /// The bytes the peer sends, as chunks, until the end of the stream. Reads one chunk at a time, only when the consumer
    /// asks for the next one, so a slow consumer holds the peer to the stream's flow-control window (RFC 9000 §4.1) plus one
    /// buffer of <see cref="StreamSurfaceOptions.ReadBufferSize"/>.
    /// </summary>
    /// <remarks>
    /// <para><b>Buffer validity.</b> Every chunk lives in one buffer rented from <see cref="ArrayPool{T}.Shared"/> for the
    /// enumeration: a chunk is valid until the consumer asks for the next one or disposes the enumerator. Copy what must
    /// live longer.</para>
    /// <para>A peer's RESET_STREAM throws <see cref="StreamAbortedException"/> with the peer's code. Leaving the loop early
    /// leaves the stream as it is (no read is pending between chunks, so no byte is lost). Cancelling
    /// <paramref name="cancellationToken"/> gives the receive direction up, whether a read was waiting or not: STOP_SENDING
    /// with <see cref="StreamSurfaceOptions.ReadAbandonedErrorCode"/> (RFC 9000 §3.5), then
    /// <see cref="OperationCanceledException"/>. To bound a wait without ending the stream, use
    /// <see cref="StreamHandle.ReadAsync"/> with a deadline.</para>
    /// </remarks>
    /// <param name="stream">The stream; it must have a receive half here.</param>
    /// <param name="cancellationToken">Cancels the enumeration and gives the receive direction up.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public static IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAllAsync(this StreamHandle stream, CancellationToken cancellationToken = default) =>
        ReadAllAsync(stream, StreamSurfaceOptions.Default, cancellationToken);

    /// <inheritdoc cref="ReadAllAsync(StreamHandle, CancellationToken)"/>
    /// <param name="stream">The stream; it must have a receive half here.</param>
    /// <param name="options">The read size and the STOP_SENDING code of a cancelled enumeration.</param>
    /// <param name="cancellationToken">Cancels the enumeration and gives the receive direction up.</param>
    public static IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAllAsync(this StreamHandle stream, StreamSurfaceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        return ReadChunksAsync(stream, options, cancellationToken);
    }

    /// <summary>
    /// Writes every chunk of <paramref name="source"/> in order, each only after the previous one was taken by the engine (so
    /// the source may reuse its buffer, as <see cref="ReadAllAsync(StreamHandle, CancellationToken)"/> does: piping one
    /// stream into another is <c>to.WriteAllAsync(from.ReadAllAsync())</c>), then FIN when <paramref name="completeWrites"/>.
    /// The peer's window holds the source back (RFC 9000 §4.1): the next chunk is asked for only when the engine has room.
    /// </summary>
    /// <remarks>
    /// If <paramref name="source"/> throws, the send half is reset (RESET_STREAM, RFC 9000 §3.1) with the code of a
    /// <see cref="StreamAbortedException"/>, else <see cref="StreamSurfaceOptions.WriteFailedErrorCode"/>, and the exception
    /// is rethrown: the peer learns at once that the stream is incomplete. A peer's STOP_SENDING throws
    /// <see cref="StreamAbortedException"/> with the peer's code. Cancelling <paramref name="cancellationToken"/> while a
    /// write waits resets the send half too.
    /// </remarks>
    /// <param name="stream">The stream; it must have a send half here.</param>
    /// <param name="source">The chunks to send.</param>
    /// <param name="completeWrites">Whether to send FIN after the last chunk.</param>
    /// <param name="options">The RESET_STREAM code for a failed source; <see cref="StreamSurfaceOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Passed to <paramref name="source"/>; cancels a waiting write by resetting the stream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="source"/> is null.</exception>
    public static async Task WriteAllAsync(
        this StreamHandle stream,
        IAsyncEnumerable<ReadOnlyMemory<byte>> source,
        bool completeWrites = true,
        StreamSurfaceOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        options ??= StreamSurfaceOptions.Default;
        var chunks = source.GetAsyncEnumerator(cancellationToken);
        await using (chunks.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await chunks.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    HandleOperations.AbortQuietly(stream, StreamAbortDirection.Write, options.WriteErrorCodeFor(ex));
                    throw;
                }

                if (!more)
                {
                    break;
                }

                if (!chunks.Current.IsEmpty)
                {
                    await HandleOperations.WriteAsync(stream, chunks.Current, completeWrites: false, options, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        if (completeWrites)
        {
            await HandleOperations.WriteAsync(stream, ReadOnlyMemory<byte>.Empty, completeWrites: true, options, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadChunksAsync(StreamHandle stream, StreamSurfaceOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(options.ReadBufferSize);
        try
        {
            while (true)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    // Cancelled between reads: the enumeration is given up all the same, whatever the timing.
                    HandleOperations.AbortQuietly(stream, StreamAbortDirection.Read, options.ReadAbandonedErrorCode);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var read = await HandleOperations.ReadAsync(stream, buffer.AsMemory(0, options.ReadBufferSize), deadline: null, options, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    yield break;
                }

                yield return buffer.AsMemory(0, read);
            }
        }
        finally
        {
            // No read is pending here: HandleOperations.ReadAsync returns only once the handle has let go of the buffer.
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
