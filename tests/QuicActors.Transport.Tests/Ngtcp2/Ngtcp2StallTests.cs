using System.Diagnostics;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using static QuicActors.Transport.Tests.Ngtcp2.Ngtcp2TestContext;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>
/// The endpoint loop must never sit out its idle wait (1 s) while work is queued. A lost wake-up did exactly that: the
/// loop cleared its wake-up flag after draining the socket, so a write or consume signalled in between was swallowed
/// and the transfer paused until the idle wait ended (bulk ran at 3-4 MB/s on a quiet machine, in 1 s stalls).
/// Both tests measure the longest pause between deliveries against a bound well under that idle wait.
/// </summary>
public sealed class Ngtcp2StallTests
{
    /// <summary>Far below the loop's 1 s idle wait, far above any scheduling hiccup of a busy test machine.</summary>
    private static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(700);

    private static async Task<(IQuicEngineListener Listener, IQuicEngineConnection Client, IQuicEngineConnection Server)> PairAsync(IQuicEngine engine)
    {
        var listener = await engine.ListenAsync(Listener());
        var accept = listener.AcceptConnectionAsync().AsTask();
        var client = await engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        var server = await accept.WaitAsync(Wait);
        return (listener, client, server);
    }

    [SkippableFact]
    public async Task A_bulk_transfer_flows_without_pauses()
    {
        await using var engine = EngineOrSkip();
        var (listener, client, server) = await PairAsync(engine);
        await using var l = listener;
        await using var c = client;
        await using var s = server;

        const int total = 24 * 1024 * 1024;
        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        var chunk = new byte[64 * 1024];
        var writer = Task.Run(async () =>
        {
            for (var sent = 0; sent < total; sent += chunk.Length) await client.WriteAsync(id, chunk, fin: sent + chunk.Length >= total);
        });

        long received = 0;
        var longest = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var last = clock.Elapsed;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var e = await server.Events.ReadAsync(cts.Token);
            if (e is not StreamDataReceived d)
            {
                (e as IDisposable)?.Dispose();
                continue;
            }
            var now = clock.Elapsed;
            if (now - last > longest) longest = now - last;
            last = now;
            received += d.Length;
            server.Consume(id, d.Length);
            var fin = d.IsFin;
            d.Dispose();
            if (fin) break;
        }
        await writer.WaitAsync(Wait);

        Assert.Equal(total, received);
        Assert.True(longest < MaxPause, $"the transfer paused for {longest.TotalMilliseconds:0} ms between two deliveries ({total / 1e6 / clock.Elapsed.TotalSeconds:0.0} MB/s overall)");
    }

    [SkippableFact]
    public async Task Request_response_round_trips_never_wait_for_a_timer()
    {
        await using var engine = EngineOrSkip();
        var (listener, client, server) = await PairAsync(engine);
        await using var l = listener;
        await using var c = client;
        await using var s = server;

        // Each round trip is a write woken from an app thread on either side while the peer's loop is mostly idle:
        // the pattern in which a swallowed wake-up shows as a round trip of about a second.
        var echo = Task.Run(async () =>
        {
            await foreach (var e in server.Events.ReadAllAsync())
            {
                if (e is StreamDataReceived d)
                {
                    var payload = d.Data.ToArray();
                    server.Consume(d.StreamId, d.Length);
                    var fin = d.IsFin;
                    d.Dispose();
                    await server.WriteAsync(d.StreamId, payload, fin);
                }
                else
                {
                    (e as IDisposable)?.Dispose();
                }
            }
        });

        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        var longest = TimeSpan.Zero;
        const int rounds = 300;
        for (var i = 0; i < rounds; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await client.WriteAsync(id, new byte[] { (byte)i }, fin: i == rounds - 1);
            while (true)
            {
                var d = await NextAsync<StreamDataReceived>(client, e => e.StreamId == id);
                var echoed = d.Length > 0 && d.Data.Span[d.Length - 1] == (byte)i;
                client.Consume(id, d.Length);
                d.Dispose();
                if (echoed) break;
            }
            var took = Stopwatch.GetElapsedTime(started);
            if (took > longest) longest = took;
        }

        Assert.True(longest < MaxPause, $"the slowest of {rounds} round trips took {longest.TotalMilliseconds:0} ms");
        await client.CloseAsync(0);
        await echo.WaitAsync(Wait);
    }
}
