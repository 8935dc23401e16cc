using System.Net.Quic;
using System.Runtime.Versioning;

namespace QuicActors.Transport.MsQuic.Internal;

/// <summary>
/// The engine's record of one stream: its halves, its send queue and receive budget, and the <see cref="QuicStream"/>
/// once System.Net.Quic has started it. A stream this end opens gets its ID (predicted from the open order) before
/// System.Net.Quic confirms it, so commands issued meanwhile are recorded and applied when it is bound.
/// </summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("windows")]
[SupportedOSPlatform("osx")]
internal sealed class MsQuicStreamEntry
{
    private readonly TaskCompletionSource<QuicStream?> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the record of <paramref name="streamId"/> for an endpoint of <paramref name="role"/>.</summary>
    public MsQuicStreamEntry(QuicStreamId streamId, QuicConnectionRole role, QuicTransportParameters transport)
    {
        Id = streamId;
        Halves = new StreamHalves(streamId, role);
        if (streamId.HasSendHalf(role)) SendQueue = new StreamSendQueue(transport.StreamSendBufferSize);
        if (streamId.HasReceiveHalf(role)) ReceiveBudget = new ReceiveBudget(transport.StreamReceiveWindow);
    }

    /// <summary>The stream ID.</summary>
    public QuicStreamId Id { get; }

    /// <summary>The halves and the contract's rules on them.</summary>
    public StreamHalves Halves { get; }

    /// <summary>Bytes waiting for System.Net.Quic; null without a send half.</summary>
    public StreamSendQueue? SendQueue { get; }

    /// <summary>Delivered and unconsumed bytes against the stream window; null without a receive half.</summary>
    public ReceiveBudget? ReceiveBudget { get; }

    /// <summary>The System.Net.Quic stream; null while an outbound open is in flight.</summary>
    public QuicStream? Stream { get; private set; }

    /// <summary>Completes with the stream once bound, or null when it never will be (the open failed, the connection ended).</summary>
    public Task<QuicStream?> Bound => _bound.Task;

    /// <summary>The stream offset of the next byte the read loop delivers.</summary>
    public long ReceivedOffset { get; set; }

    /// <summary>Whether the application released the stream; nothing more is reported for it.</summary>
    public bool Released { get; set; }

    /// <summary>Records the System.Net.Quic stream.</summary>
    public void Bind(QuicStream stream)
    {
        Stream = stream;
        _bound.TrySetResult(stream);
    }

    /// <summary>Records that no stream will be bound.</summary>
    public void Abandon() => _bound.TrySetResult(null);
}
