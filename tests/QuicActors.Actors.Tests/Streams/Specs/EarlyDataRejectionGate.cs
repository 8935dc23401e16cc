using System.Net;
using System.Threading.Channels;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// An engine connection that passes everything through but holds <see cref="EarlyDataRejected"/> and what follows until
/// released: the engine has rejected 0-RTT (and dropped its early streams) while the connection actor has not read it yet,
/// so a spec can take that race the same way on every run.
/// </summary>
internal sealed class EarlyDataRejectionGate : IQuicEngineConnection
{
    private readonly IQuicEngineConnection _inner;
    private readonly Channel<EngineEvent> _events = Channel.CreateUnbounded<EngineEvent>();
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _pump;

    public EarlyDataRejectionGate(IQuicEngineConnection inner)
    {
        _inner = inner;
        _pump = Task.Run(PumpAsync);
    }

    public Task RejectionSeen => _seen.Task;

    public QuicConnectionRole Role => _inner.Role;

    public EndPoint LocalEndPoint => _inner.LocalEndPoint;

    public EndPoint RemoteEndPoint => _inner.RemoteEndPoint;

    public string? ApplicationProtocol => _inner.ApplicationProtocol;

    public ChannelReader<EngineEvent> Events => _events.Reader;

    public bool IsEarlyDataRejected => _inner.IsEarlyDataRejected;

    public Task<ConnectionCloseInfo> Closed => _inner.Closed;

    public int MaxDatagramSize => _inner.MaxDatagramSize;

    public void Release() => _released.TrySetResult();

    public ValueTask<QuicStreamId> OpenStreamAsync(StreamDirection direction, CancellationToken cancellationToken = default) => _inner.OpenStreamAsync(direction, cancellationToken);

    public bool TryOpenStream(StreamDirection direction, out QuicStreamId streamId) => _inner.TryOpenStream(direction, out streamId);

    public ValueTask WriteAsync(QuicStreamId streamId, ReadOnlyMemory<byte> data, bool fin) => _inner.WriteAsync(streamId, data, fin);

    public bool ResetStream(QuicStreamId streamId, long applicationErrorCode) => _inner.ResetStream(streamId, applicationErrorCode);

    public bool StopSending(QuicStreamId streamId, long applicationErrorCode) => _inner.StopSending(streamId, applicationErrorCode);

    public void Consume(QuicStreamId streamId, int bytes) => _inner.Consume(streamId, bytes);

    public void ReleaseStream(QuicStreamId streamId) => _inner.ReleaseStream(streamId);

    public bool SendDatagram(ReadOnlySpan<byte> payload) => _inner.SendDatagram(payload);

    public ValueTask CloseAsync(long applicationErrorCode, string reason = "") => _inner.CloseAsync(applicationErrorCode, reason);

    public async ValueTask DisposeAsync()
    {
        Release();
        await _inner.DisposeAsync();
        await _pump.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private async Task PumpAsync()
    {
        await foreach (var e in _inner.Events.ReadAllAsync())
        {
            if (e is EarlyDataRejected)
            {
                _seen.TrySetResult();
                await _released.Task;
            }

            await _events.Writer.WriteAsync(e);
        }

        _events.Writer.TryComplete();
    }
}
