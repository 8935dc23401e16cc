using QuicActors.Streams.Surfaces.Internal;

namespace QuicActors.Streams;

public static partial class StreamHandleSurfaces
{
    /// <summary>
    /// The stream as a non-seekable <see cref="System.IO.Stream"/>, backpressured by the stream's flow-control window
    /// (RFC 9000 §4.1): a read takes bytes from the handle only when called, a write returns when the engine has room.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><b>Read</b> returns the bytes available (at least 1) or 0 at the end of the stream; a peer's RESET_STREAM
    /// throws <see cref="StreamAbortedException"/> (an <see cref="IOException"/>) with the peer's code. A zero-length read
    /// returns 0 at once.</item>
    /// <item><b>ReadTimeout</b> (milliseconds, <see cref="Timeout.Infinite"/> by default) is the handle's read deadline: a
    /// read that passes it throws <see cref="TimeoutException"/> and the stream stays usable, nothing lost. A cancelled
    /// read, by contrast, gives the receive direction up (STOP_SENDING with
    /// <see cref="StreamSurfaceOptions.ReadAbandonedErrorCode"/>), as <c>System.Net.Quic</c> does.</item>
    /// <item><b>Write</b> hands the bytes to the engine, which copies them, and returns when the send buffer has room; a
    /// peer's STOP_SENDING throws <see cref="StreamAbortedException"/> with its code. A cancelled write resets the send
    /// half with <see cref="StreamSurfaceOptions.WriteFailedErrorCode"/>. There is no write timeout.</item>
    /// <item><b>Flush</b> does nothing: every write already went to the engine, which sends as soon as the window allows.</item>
    /// <item><b>Dispose</b> sends FIN if writes were not completed (to send FIN earlier and keep reading, call
    /// <see cref="StreamHandle.CompleteWritesAsync"/>) and STOP_SENDING with <see cref="StreamSurfaceOptions.ReadAbandonedErrorCode"/>
    /// if the end of the stream was not read. It does not wait for the peer, and it does not dispose the handle.</item>
    /// <item>The synchronous members block a thread on the asynchronous ones; prefer the asynchronous ones.</item>
    /// </list>
    /// </remarks>
    /// <param name="stream">The stream.</param>
    /// <param name="options">Error codes for abandoned directions; <see cref="StreamSurfaceOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    public static Stream AsStream(this StreamHandle stream, StreamSurfaceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new HandleStream(stream, options ?? StreamSurfaceOptions.Default);
    }
}
