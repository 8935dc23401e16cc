using System.Net;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Endpoint;

/// <summary>A connection the engine hands out in the instant the listener actor stops is still closed, not leaked.</summary>
public sealed class ListenerStopRaceSpec(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output)
{
    [Fact]
    public async Task A_connection_accepted_after_the_listener_actor_stopped_is_closed()
    {
        await using var host = new EndpointSpecHost(TimeProvider.System);
        var inner = await host.ServerEngine.ListenAsync(EndpointSpecHost.ListenerOptions());
        var gated = new GatedListener(inner);
        var listener = Sys.ActorOf(ListenerActor.Props(gated, new ListenerSettings()), "listener");
        await using var client = await host.ClientEngine.ConnectAsync(new QuicClientOptions
        {
            RemoteEndPoint = inner.LocalEndPoint,
            ApplicationProtocols = ["spec"],
        }).AsTask().WaitAsync(EndpointSpecHost.Wait);

        // The engine has handed the connection to the accept loop, which now waits at the gate: the actor does not know it.
        await gated.Accepted.WaitAsync(EndpointSpecHost.Wait);
        Watch(listener);
        Sys.Stop(listener);
        ExpectTerminated(listener);
        gated.Open();

        var closed = await client.Closed.WaitAsync(EndpointSpecHost.Wait);
        Assert.Equal(0, closed.ErrorCode);
    }

    /// <summary>Holds each accepted connection back until <see cref="Open"/> is called.</summary>
    private sealed class GatedListener(IQuicEngineListener inner) : IQuicEngineListener
    {
        private readonly TaskCompletionSource _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public EndPoint LocalEndPoint => inner.LocalEndPoint;

        public Task Accepted => _accepted.Task;

        public void Open() => _gate.TrySetResult();

        public async ValueTask<IQuicEngineConnection> AcceptConnectionAsync(CancellationToken cancellationToken = default)
        {
            var connection = await inner.AcceptConnectionAsync(cancellationToken);
            _accepted.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
            return connection;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
