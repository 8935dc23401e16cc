using QuicActors.Transport.Events;
using QuicActors.Transport.InMemory;

namespace QuicActors.Transport.Tests.InMemory;

/// <summary>
/// Stream churn on a wire that delays and reorders most frames: every stream echoes correctly, every slot comes back
/// exactly once, and nothing is left in either stream map.
/// </summary>
public sealed class JitterChurnTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Echo_churn_survives_reordering_and_returns_every_slot(int seed)
    {
        const int Total = 200;
        const int Limit = 10;
        var plan = new FaultPlan { DelayProbability = 0.7, MinDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(15) };
        await using var pair = await InMemoryTestPair.CreateAsync(seed, plan, server: new QuicTransportParameters { MaxInboundBidirectionalStreams = Limit });
        var random = new Random(seed);
        var sent = new Dictionary<QuicStreamId, byte[]>();
        var clientDone = new Dictionary<QuicStreamId, int>(); // bit 1: echo read to FIN, bit 2: our FIN acknowledged
        var serverDone = new Dictionary<QuicStreamId, int>();
        var opened = 0;
        var released = 0;

        for (var step = 0; step < 20_000 && (released < Total || serverDone.Values.Any(v => v != 4)); step++)
        {
            while (opened < Total && pair.Client.TryOpenStream(StreamDirection.Bidirectional, out var id))
            {
                var payload = new byte[random.Next(1, 2000)];
                random.NextBytes(payload);
                sent[id] = payload;
                opened++;
                await pair.Client.WriteAsync(id, payload, fin: true);
            }
            pair.Drain();
            // Server: echo every stream whose request is complete, release once its FIN is acknowledged.
            foreach (var line in pair.Trace.Skip(_seen).ToList())
            {
                _seen++;
                if (TryParse(line, "server: StreamDataReceived(", out var sid) && line.Contains(", fin)", StringComparison.Ordinal))
                {
                    pair.Server.Consume(sid, pair.ServerBytes(sid).Length);
                    await pair.Server.WriteAsync(sid, pair.ServerBytes(sid), fin: true);
                    serverDone[sid] = serverDone.GetValueOrDefault(sid) | 1;
                }
                else if (TryParse(line, "server: StreamFinAcknowledged(", out sid))
                {
                    serverDone[sid] = serverDone.GetValueOrDefault(sid) | 2;
                }
                else if (TryParse(line, "client: StreamDataReceived(", out sid) && line.Contains(", fin)", StringComparison.Ordinal))
                {
                    Assert.Equal(sent[sid], pair.ClientBytes(sid));
                    pair.Client.Consume(sid, pair.ClientBytes(sid).Length);
                    clientDone[sid] = clientDone.GetValueOrDefault(sid) | 1;
                }
                else if (TryParse(line, "client: StreamFinAcknowledged(", out sid))
                {
                    clientDone[sid] = clientDone.GetValueOrDefault(sid) | 2;
                }
                else
                {
                    continue;
                }
                if (serverDone.GetValueOrDefault(sid) == 3)
                {
                    pair.Server.ReleaseStream(sid);
                    serverDone[sid] = 4;
                }
                if (clientDone.GetValueOrDefault(sid) == 3)
                {
                    pair.Client.ReleaseStream(sid);
                    clientDone[sid] = 4;
                    released++;
                }
            }
            pair.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(Total, released);
        pair.Run(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1));
        Assert.All(serverDone.Values, v => Assert.Equal(4, v));
        Assert.Equal(0, pair.ServerInternals.StreamCount);
        Assert.Equal(0, ((QuicActors.Transport.InMemory.Internal.InMemoryConnection)pair.Client).StreamCount);
        // Every released slot came back once: the last credit the client saw is the initial limit plus one per stream.
        var lastCredit = pair.Trace.Last(t => t.Contains("client: StreamCreditGranted(Bidirectional", StringComparison.Ordinal));
        Assert.Contains($"max {Limit + Total},", lastCredit, StringComparison.Ordinal);
    }

    private int _seen;

    private static bool TryParse(string line, string prefix, out QuicStreamId id)
    {
        var at = line.IndexOf(prefix, StringComparison.Ordinal);
        if (at < 0)
        {
            id = default;
            return false;
        }
        var start = at + prefix.Length;
        var end = line.IndexOfAny([',', ')'], start);
        id = new QuicStreamId(long.Parse(line.AsSpan(start, end - start), System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }
}
