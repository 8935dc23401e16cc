using System.Net;
using System.Threading.Channels;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// An engine connection that passes everything through, except that <see cref="Consume"/> throws a bug-like exception (not
/// a <see cref="QuicTransportException"/>) for the streams <see cref="FailConsume"/> names: a fault inside a stream actor's
/// half, as a defect in an engine or in the half itself would cause.
/// </summary>
internal sealed class FaultingConnection(IQuicEngineConnection inner, Func<QuicStreamId, bool> failConsume) : IQuicEngineConnection
{
    private int _faults;

    public Func<QuicStreamId, bool> FailConsume { get; } = failConsume;

    /// <summary>How many calls threw.</summary>
    public int Faults => Volatile.Read(ref _faults);

    public QuicConnectionRole Role => inner.Role;

    public EndPoint LocalEndPoint => inner.LocalEndPoint;

    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

    public string? ApplicationProtocol => inner.ApplicationProtocol;

    public ChannelReader<EngineEvent> Events => inner.Events;

    public bool IsEarlyDataRejected => inner.IsEarlyDataRejected;

    public Task<ConnectionCloseInfo> Closed => inner.Closed;

    public int MaxDatagramSize => inner.MaxDatagramSize;

    public ValueTask<QuicStreamId> OpenStreamAsync(StreamDirection direction, CancellationToken cancellationToken = default) => inner.OpenStreamAsync(direction, cancellationToken);

    public bool TryOpenStream(StreamDirection direction, out QuicStreamId streamId) => inner.TryOpenStream(direction, out streamId);

    public ValueTask WriteAsync(QuicStreamId streamId, ReadOnlyMemory<byte> data, bool fin) => inner.WriteAsync(streamId, data, fin);

    public bool ResetStream(QuicStreamId streamId, long applicationErrorCode) => inner.ResetStream(streamId, applicationErrorCode);

    public bool StopSending(QuicStreamId streamId, long applicationErrorCode) => inner.StopSending(streamId, applicationErrorCode);

    public void Consume(QuicStreamId streamId, int bytes)
    {
        if (FailConsume(streamId))
        {
            Interlocked.Increment(ref _faults);
            throw new InvalidOperationException($"injected fault: Consume({streamId}, {bytes})");
        }

        inner.Consume(streamId, bytes);
    }

    public void ReleaseStream(QuicStreamId streamId) => inner.ReleaseStream(streamId);

    public bool SendDatagram(ReadOnlySpan<byte> payload) => inner.SendDatagram(payload);

    public ValueTask CloseAsync(long applicationErrorCode, string reason = "") => inner.CloseAsync(applicationErrorCode, reason);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
