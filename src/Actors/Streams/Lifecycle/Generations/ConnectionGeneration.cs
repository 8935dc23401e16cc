using System.Globalization;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>
/// One incarnation of a connection. A connection starts in generation 1; a rejected 0-RTT attempt ends it and starts the
/// next one, whose stream IDs restart at 0 (RFC 9000 §2.1, RFC 9001 §4.6.2), so a stream ID alone no longer says which
/// stream a handle means.
/// </summary>
/// <param name="ConnectionId">The connection's identity in this process (not a QUIC connection ID).</param>
/// <param name="Generation">The generation number, starting at 1.</param>
public readonly record struct ConnectionGeneration(long ConnectionId, int Generation)
{
    /// <summary>The stamp for a handle of <paramref name="streamId"/> in this generation.</summary>
    public StreamHandleStamp Stamp(QuicStreamId streamId) => new(ConnectionId, Generation, streamId);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"connection {ConnectionId} generation {Generation}");
}
