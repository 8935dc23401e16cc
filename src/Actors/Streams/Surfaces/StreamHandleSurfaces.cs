namespace QuicActors.Streams;

/// <summary>
/// Adapters from a <see cref="StreamHandle"/> to the usual .NET shapes of a byte stream: <see cref="System.IO.Pipelines"/>,
/// <see cref="IAsyncEnumerable{T}"/> of chunks, and <see cref="System.IO.Stream"/>.
/// </summary>
/// <remarks>
/// <para>Every adapter reads from the handle only when its consumer asks for more, and the handle extends the peer's
/// flow-control window (RFC 9000 §4.1) only for bytes read, so a slow consumer holds a fast peer to the stream window plus
/// the adapter's own small buffer (RFC 9000 §2.2: a receiver need not buffer more than it advertised). Every adapter
/// writes through <see cref="StreamHandle.WriteAsync"/>, which waits while the engine's send buffer is full, so a producer
/// is held back the same way by the peer's window.</para>
/// <para>Completion and aborts cross in both directions with their codes: the end of the stream ends the adapter's
/// reading; a peer's RESET_STREAM or STOP_SENDING surfaces as a <see cref="StreamAbortedException"/> with the peer's code;
/// an adapter whose consumer gives up sends STOP_SENDING, and one whose producer fails sends RESET_STREAM, with the codes of
/// <see cref="StreamSurfaceOptions"/> or of the <see cref="StreamAbortedException"/> the application supplied.</para>
/// <para>An adapter does not own the handle: dispose the handle (or return from the stream handler) as usual, after the
/// adapter is done.</para>
/// </remarks>
public static partial class StreamHandleSurfaces
{
}
