using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// A stream actor that throws (here: its receive half's engine call fails with a bug, not a transport error) is stopped,
/// not restarted; its connection actor goes on serving the other streams, the failed stream's handle learns it through its
/// abort token, and its slot comes back (invariant 2 still holds: the engine's release aborts the half left open).
/// </summary>
public sealed class StreamFailureSpec(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_stream_actor_that_throws_is_stopped_its_slot_comes_back_and_the_connection_serves_on()
    {
        await using var engine = SpecEngine.InMemory(VirtualTime!);
        const int limit = 2;
        await using var listener = await engine.ServerEngine.ListenAsync(engine.Listener(new QuicTransportParameters { MaxInboundBidirectionalStreams = limit }));
        var accepting = listener.AcceptConnectionAsync().AsTask();
        await using var client = await engine.ClientEngine.ConnectAsync(engine.Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        await using var server = new FaultingConnection(await accepting.WaitAsync(Wait), id => id.Value == 0);

        var handlerSawAbort = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverActor = Sys.ActorOf(ConnectionActor.Props(server, new ConnectionActorSettings
        {
            ConnectionId = 1,
            InboundBidirectionalLimit = limit,
            StreamHandler = async (stream, peerAborted) =>
            {
                using var registration = peerAborted.Register(() => handlerSawAbort.TrySetResult());
                var buffer = new byte[64];
                var length = 0;
                try
                {
                    int n;
                    while ((n = await stream.ReadAsync(buffer.AsMemory(length))) > 0)
                    {
                        length += n;
                    }

                    await stream.WriteAsync(buffer.AsMemory(0, length), completeWrites: true);
                }
                catch (Exception) when (peerAborted.IsCancellationRequested)
                {
                    // The failed stream: its actor stopped under the read.
                }
            },
        }), "server");
        var clientActor = Sys.ActorOf(ConnectionActor.Props(client, new ConnectionActorSettings { ConnectionId = 2 }), "client");

        // Stream 0: the server's receive half throws when it gives the read bytes' credit back.
        var failed = await ConnectionActor.OpenStreamAsync(clientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await failed.WriteAsync("boom"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        await handlerSawAbort.Task.WaitAsync(Wait);
        Assert.Equal(1, server.Faults);
        failed.Abort(StreamAbortDirection.Both, 5);
        await failed.DisposeAsync();

        // More streams than the limit: every slot, the failed stream's too, must come back for these to open.
        for (var i = 0; i < 2 * limit; i++)
        {
            await using var stream = await ConnectionActor.OpenStreamAsync(clientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
            await stream.WriteAsync("ping"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
            var reply = new byte[16];
            var length = 0;
            int n;
            while ((n = await stream.ReadAsync(reply.AsMemory(length)).WaitAsync(Wait)) > 0)
            {
                length += n;
            }

            Assert.Equal("ping", System.Text.Encoding.ASCII.GetString(reply, 0, length));
        }

        var status = await AwaitStatusAsync(serverActor, s => s.LiveStreams == 0);
        Assert.Empty(status.InvariantViolations);
        Assert.Equal(1 + 2 * limit, status.InboundBidirectionalReleased);
        Assert.Equal(limit, status.InboundBidirectionalAvailable);
    }

    private static async Task<ConnectionStatus> AwaitStatusAsync(QuicActors.Kernel.IActorRef actor, Func<ConnectionStatus, bool> done)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var status = await ConnectionActor.GetStatusAsync(actor).WaitAsync(Wait);
            if (done(status) || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Delay(10);
        }
    }
}
