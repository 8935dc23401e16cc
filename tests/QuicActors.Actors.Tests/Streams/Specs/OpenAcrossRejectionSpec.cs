using QuicActors.Streams;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using QuicActors.TestKit;

/// <summary>
/// An open that races a 0-RTT rejection: the engine has rejected (and restarted its stream IDs at 0) but the connection
/// actor has not read <see cref="EarlyDataRejected"/> yet. The stream the engine opens then belongs to the new
/// generation; it must come out as stream 0 of generation 2, not be stamped early and discarded (which would leave
/// stream 0 of the new connection open for ever and make the next stream 4). The rejection event is held back by a
/// gate so the race is taken the same way on every run.
/// </summary>
public sealed class OpenAcrossRejectionSpec(ITestOutputHelper output) : TestKit(output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task An_open_served_after_the_engine_rejected_0RTT_is_stream_0_of_the_new_generation()
    {
        await using var engine = SpecEngine.Ngtcp2();
        await using var listener = await engine.ServerEngine.ListenAsync(engine.Listener(new QuicTransportParameters(), EarlyDataPolicy.Reject));
        var options = engine.Client(listener.LocalEndPoint);
        var ticket = await FirstTicketAsync(engine.ClientEngine, listener, options);

        // No relay: on loopback the rejection reaches the engine at once, before anything is opened.
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var resumed = await engine.ClientEngine.ConnectAsync(options with { ResumptionTicket = ticket, EnableEarlyData = true }).AsTask().WaitAsync(Wait);
        await using var gated = new EarlyDataRejectionGate(resumed);
        var client = Sys.ActorOf(ConnectionActor.Props(gated, new ConnectionActorSettings { ConnectionId = 1, InitialOutboundBidirectionalCredit = 100 }), "client");

        await gated.RejectionSeen.WaitAsync(Wait);
        Assert.True(resumed.IsEarlyDataRejected);
        var opening = ConnectionActor.OpenStreamAsync(client, StreamDirection.Bidirectional, TimeSpan.FromSeconds(5));
        await Task.Delay(200);
        Assert.False(opening.IsCompleted, "the open must wait until the actor has read the rejection");

        gated.Release();
        var stream = await opening.WaitAsync(Wait);
        Assert.Equal(2, stream.Stamp.Generation);
        Assert.Equal(0, stream.StreamId.Value);
        await stream.WriteAsync("1-rtt"u8.ToArray(), completeWrites: true).WaitAsync(Wait);

        await using var server = await accept.WaitAsync(Wait);
        var data = await NextAsync<StreamDataReceived>(server);
        Assert.Equal(0, data.StreamId.Value);
        data.Dispose();

        var next = await ConnectionActor.OpenStreamAsync(client, StreamDirection.Bidirectional, TimeSpan.FromSeconds(5)).WaitAsync(Wait);
        Assert.Equal(4, next.StreamId.Value); // stream 0 is the one above, not a leaked one
        await gated.CloseAsync(0);
    }

    private static async Task<QuicResumptionTicket> FirstTicketAsync(IQuicEngine engine, IQuicEngineListener listener, QuicClientOptions options)
    {
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var first = await engine.ConnectAsync(options).AsTask().WaitAsync(Wait);
        await using var server = await accept.WaitAsync(Wait);
        return (await NextAsync<ResumptionTicketReceived>(first)).Ticket;
    }

    private static async Task<T> NextAsync<T>(IQuicEngineConnection connection) where T : EngineEvent
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var e = await connection.Events.ReadAsync(timeout.Token);
            if (e is T t) return t;
            (e as IDisposable)?.Dispose();
        }
    }
}
