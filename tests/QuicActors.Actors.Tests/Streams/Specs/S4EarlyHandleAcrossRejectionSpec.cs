using System.Text;
using QuicActors.Streams;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using QuicActors.TestKit;

/// <summary>
/// S4 in the window the real network opens: the engine has rejected 0-RTT and dropped the early stream, but the
/// connection actor has not read the rejection yet, so the early handle still passes the generation gate. A write or
/// CompleteWrites through it must fail as stale (nothing was sent), not with the engine's "stream not found"; an abort
/// through it must not reach the wire; and stream 0 of generation 2 then carries only its own bytes. A gate holds the
/// rejection event back so the window is taken on every run; a relay delays the server so the stream is opened in 0-RTT.
/// </summary>
public sealed class S4EarlyHandleAcrossRejectionSpec(ITestOutputHelper output) : TestKit(output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task Commands_through_an_early_handle_after_the_engine_dropped_its_stream_are_stale_and_never_reach_stream_0_of_generation_2()
    {
        await using var engine = SpecEngine.Ngtcp2();
        await using var listener = await engine.ServerEngine.ListenAsync(engine.Listener(new QuicTransportParameters(), EarlyDataPolicy.Reject));
        var options = engine.Client(listener.LocalEndPoint);
        var ticket = await FirstTicketAsync(engine.ClientEngine, listener, options);

        var accept = listener.AcceptConnectionAsync().AsTask();
        var early0Rtt = options with { RemoteEndPoint = engine.EarlyDataPath(listener.LocalEndPoint), ResumptionTicket = ticket, EnableEarlyData = true };
        await using var resumed = await engine.ClientEngine.ConnectAsync(early0Rtt).AsTask().WaitAsync(Wait);
        await using var gated = new EarlyDataRejectionGate(resumed);
        var client = Sys.ActorOf(ConnectionActor.Props(gated, new ConnectionActorSettings { ConnectionId = 1, InitialOutboundBidirectionalCredit = 100 }), "client");
        var early = await ConnectionActor.OpenStreamAsync(client, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        Assert.Equal(1, early.Stamp.Generation);
        Assert.Equal(0, early.StreamId.Value);

        await gated.RejectionSeen.WaitAsync(Wait);
        Assert.True(resumed.IsEarlyDataRejected);
        await Assert.ThrowsAsync<StaleHandleException>(() => early.WriteAsync("ping"u8.ToArray()).WaitAsync(Wait));
        await Assert.ThrowsAsync<StaleHandleException>(() => early.CompleteWritesAsync().WaitAsync(Wait));
        early.Abort(StreamAbortDirection.Read, 42);
        early.Abort(StreamAbortDirection.Write, 42);

        gated.Release();
        await S4ZeroRttRejectionSpec.AwaitDiscardedAsync(early);
        Assert.Throws<StaleHandleException>(() => early.Abort(StreamAbortDirection.Both, 42));
        var again = await ConnectionActor.OpenStreamAsync(client, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        Assert.Equal(2, again.Stamp.Generation);
        Assert.Equal(0, again.StreamId.Value);
        Assert.Throws<StaleHandleException>(() => early.Abort(StreamAbortDirection.Both, 42));
        Assert.Throws<StaleHandleException>(() => { _ = early.CompleteWritesAsync(); });
        await again.WriteAsync("1-rtt"u8.ToArray(), completeWrites: true).WaitAsync(Wait);

        // What the server got on stream 0: the new generation's bytes and FIN, and no abort of any kind.
        await using var server = await accept.WaitAsync(Wait);
        var request = new StringBuilder();
        var events = new List<EngineEvent>();
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var e = await server.Events.ReadAsync(timeout.Token);
            events.Add(e);
            if (e is StreamDataReceived data && data.StreamId.Value == 0)
            {
                request.Append(Encoding.ASCII.GetString(data.Data.Span));
                var fin = data.IsFin;
                data.Dispose();
                if (fin) break;
            }
            else
            {
                (e as IDisposable)?.Dispose();
            }
        }

        Assert.Equal("1-rtt", request.ToString());
        Assert.DoesNotContain(events, e => e is PeerResetStream or PeerStopSending);
        var status = await ConnectionActor.GetStatusAsync(client);
        Assert.Empty(status.InvariantViolations);
        await gated.CloseAsync(0);
    }

    private static async Task<QuicResumptionTicket> FirstTicketAsync(IQuicEngine engine, IQuicEngineListener listener, QuicClientOptions options)
    {
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var first = await engine.ConnectAsync(options).AsTask().WaitAsync(Wait);
        await using var server = await accept.WaitAsync(Wait);
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var e = await first.Events.ReadAsync(timeout.Token);
            if (e is ResumptionTicketReceived received) return received.Ticket;
            (e as IDisposable)?.Dispose();
        }
    }
}
