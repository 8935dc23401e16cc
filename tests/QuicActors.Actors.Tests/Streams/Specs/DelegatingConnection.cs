using System.Net;
using System.Threading.Channels;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>An engine connection that passes everything to <see cref="Inner"/>: the base of the specs' decorators, which override what they change.</summary>
internal abstract class DelegatingConnection(IQuicEngineConnection inner) : IQuicEngineConnection
{
    protected IQuicEngineConnection Inner { get; } = inner;

    public QuicConnectionRole Role => Inner.Role;

    public EndPoint LocalEndPoint => Inner.LocalEndPoint;

    public EndPoint RemoteEndPoint => Inner.RemoteEndPoint;

    public string? ApplicationProtocol => Inner.ApplicationProtocol;

    public virtual ChannelReader<EngineEvent> Events => Inner.Events;

    public bool IsEarlyDataRejected => Inner.IsEarlyDataRejected;

    public Task<ConnectionCloseInfo> Closed => Inner.Closed;

    public int MaxDatagramSize => Inner.MaxDatagramSize;

    public ValueTask<QuicStreamId> OpenStreamAsync(StreamDirection direction, CancellationToken cancellationToken = default) => Inner.OpenStreamAsync(direction, cancellationToken);

    public bool TryOpenStream(StreamDirection direction, out QuicStreamId streamId) => Inner.TryOpenStream(direction, out streamId);

    public ValueTask WriteAsync(QuicStreamId streamId, ReadOnlyMemory<byte> data, bool fin) => Inner.WriteAsync(streamId, data, fin);

    public bool ResetStream(QuicStreamId streamId, long applicationErrorCode) => Inner.ResetStream(streamId, applicationErrorCode);

    public bool StopSending(QuicStreamId streamId, long applicationErrorCode) => Inner.StopSending(streamId, applicationErrorCode);

    public virtual void Consume(QuicStreamId streamId, int bytes) => Inner.Consume(streamId, bytes);

    public void ReleaseStream(QuicStreamId streamId) => Inner.ReleaseStream(streamId);

    public bool SendDatagram(ReadOnlySpan<byte> payload) => Inner.SendDatagram(payload);

    public ValueTask CloseAsync(long applicationErrorCode, string reason = "") => Inner.CloseAsync(applicationErrorCode, reason);

    public virtual ValueTask DisposeAsync() => Inner.DisposeAsync();
}
