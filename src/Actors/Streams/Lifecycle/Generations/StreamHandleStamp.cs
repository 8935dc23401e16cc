using System.Globalization;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>
/// What a stream handle carries to say which stream it means: the connection, the connection's generation and the
/// stream ID. Every command from a handle passes <see cref="GenerationTracker.TryAdmit"/> with its stamp before it may
/// reach the engine (invariant 5).
/// </summary>
/// <param name="ConnectionId">The connection's identity in this process.</param>
/// <param name="Generation">The connection generation the handle was created in.</param>
/// <param name="StreamId">The stream within that generation.</param>
public readonly record struct StreamHandleStamp(long ConnectionId, int Generation, QuicStreamId StreamId)
{
    /// <summary>The generation part of the stamp.</summary>
    public ConnectionGeneration ConnectionGeneration => new(ConnectionId, Generation);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"stream {StreamId.Value} of connection {ConnectionId} generation {Generation}");
}
