using System.Threading.Channels;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// An engine connection that passes everything through but holds <see cref="EarlyDataRejected"/> and what follows until
/// released: the engine has rejected 0-RTT (and dropped its early streams) while the connection actor has not read it yet,
/// so a spec can take that race the same way on every run.
/// </summary>
internal sealed class EarlyDataRejectionGate : DelegatingConnection
{
    private readonly Channel<EngineEvent> _events = Channel.CreateUnbounded<EngineEvent>();
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _pump;

    public EarlyDataRejectionGate(IQuicEngineConnection inner)
        : base(inner)
    {
        _pump = Task.Run(PumpAsync);
    }

    public Task RejectionSeen => _seen.Task;

    public override ChannelReader<EngineEvent> Events => _events.Reader;

    public void Release() => _released.TrySetResult();

    public override async ValueTask DisposeAsync()
    {
        Release();
        await base.DisposeAsync();
        await _pump.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private async Task PumpAsync()
    {
        await foreach (var e in Inner.Events.ReadAllAsync())
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
