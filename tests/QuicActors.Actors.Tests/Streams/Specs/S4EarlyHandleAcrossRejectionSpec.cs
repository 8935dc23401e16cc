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
/// rejection event back so the window is taken on every run. Runs once per engine (one sealed subclass each): the
/// deferred calls of S4 thus run before the new generation starts as well as after it, on every engine with 0-RTT.
/// </summary>
public abstract class S4EarlyHandleAcrossRejectionSpec(ITestOutputHelper output, bool useVirtualTime) : TestKit(output, useVirtualTime)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>The engine this run uses; the test disposes it.</summary>
    private protected abstract SpecEngine CreateEngine();

    [SkippableFact]
    public async Task Commands_through_an_early_handle_after_the_engine_dropped_its_stream_are_stale_and_never_reach_stream_0_of_generation_2()
    {
        await using var engine = CreateEngine();
        await using var listener = await engine.ServerEngine.ListenAsync(engine.Listener(new QuicTransportParameters(), EarlyDataPolicy.Reject));
        var early0Rtt = await engine.ResumingClientAsync(listener.LocalEndPoint, listener);

        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var resumed = await engine.ClientEngine.ConnectAsync(early0Rtt).AsTask().WaitAsync(Wait);
        await using var gated = new EarlyDataRejectionGate(resumed);
        var client = Sys.ActorOf(ConnectionActor.Props(gated, new ConnectionActorSettings { ConnectionId = 1, InitialOutboundBidirectionalCredit = 100 }), "client");
        var early = await ConnectionActor.OpenStreamAsync(client, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        Assert.Equal(1, early.Stamp.Generation);
        Assert.Equal(0, early.StreamId.Value);

        await UntilAsync(engine, gated.RejectionSeen);
        Assert.True(resumed.IsEarlyDataRejected);
        await Assert.ThrowsAsync<StaleHandleException>(() => early.WriteAsync("ping"u8.ToArray()).WaitAsync(Wait));
        await Assert.ThrowsAsync<StaleHandleException>(() => early.CompleteWritesAsync().WaitAsync(Wait));
        early.Abort(StreamAbortDirection.Read, 42);
        early.Abort(StreamAbortDirection.Write, 42);

        gated.Release();
        await engine.ElapseAsync(TimeSpan.FromMilliseconds(10));
        await S4ZeroRttRejectionSpec.AwaitDiscardedAsync(early);
        Assert.Throws<StaleHandleException>(() => early.Abort(StreamAbortDirection.Both, 42));
        var again = await ConnectionActor.OpenStreamAsync(client, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        Assert.Equal(2, again.Stamp.Generation);
        Assert.Equal(0, again.StreamId.Value);
        Assert.Throws<StaleHandleException>(() => early.Abort(StreamAbortDirection.Both, 42));
        Assert.Throws<StaleHandleException>(() => { _ = early.CompleteWritesAsync(); });
        await again.WriteAsync("1-rtt"u8.ToArray(), completeWrites: true).WaitAsync(Wait);

        // What the server got on stream 0: the new generation's bytes and FIN, and no abort of any kind.
        await using var server = await UntilAsync(engine, accept);
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

    /// <summary>Waits for <paramref name="task"/>, letting virtual time pass in small steps meanwhile (real time passes by itself).</summary>
    private static async Task<T> UntilAsync<T>(SpecEngine engine, Task<T> task)
    {
        await UntilAsync(engine, (Task)task);
        return await task;
    }

    private static async Task UntilAsync(SpecEngine engine, Task task)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (engine.VirtualTime is not null && !task.IsCompleted && DateTime.UtcNow < deadline)
        {
            await engine.ElapseAsync(TimeSpan.FromMilliseconds(1));
        }

        await task.WaitAsync(Wait);
    }
}
