using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using QuicActors.Transport.Ngtcp2.Internal;
using Xunit.Abstractions;
using static QuicActors.Transport.Tests.Ngtcp2.Ngtcp2TestContext;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>
/// What a connection holds in native memory while streams come and go: ngtcp2's own allocations (counted by the
/// allocator the shim hands it) and the shim's stream records. Streams that end cleanly must give all of it back, so a
/// long-lived connection does not grow with the streams it has served.
/// </summary>
public sealed class Ngtcp2NativeMemoryTests(ITestOutputHelper output)
{
    private const int WarmupStreams = 20;
    private const int MeasuredStreams = 300;

    // After the warm-up: ngtcp2's per-connection bookkeeping (ACK ranges, packet history) may grow by a block or two,
    // while one stream object ngtcp2 kept would cost about 250 B; measured growth so far: 0.
    private const int MaxGrowth = 2048;

    [SkippableFact]
    public async Task Streams_that_end_cleanly_hand_back_ngtcp2s_memory_and_leave_no_stream_held()
    {
        await using var engine = EngineOrSkip();
        await using var pair = await PairAsync(engine);
        var (_, client, server) = pair;
        using var stop = new CancellationTokenSource();
        var serve = Task.Run(() => EchoAsync(server, stop.Token));

        await ChurnAsync(client, WarmupStreams);
        await Task.Delay(300);
        var (clientBefore, serverBefore) = (Stats(client), Stats(server));
        await ChurnAsync(client, MeasuredStreams);
        await Task.Delay(300);
        var (clientAfter, serverAfter) = (Stats(client), Stats(server));
        await stop.CancelAsync();
        await serve.WaitAsync(Wait);

        output.WriteLine($"client after {WarmupStreams} streams: {clientBefore}; after {MeasuredStreams} more: {clientAfter}");
        output.WriteLine($"server after {WarmupStreams} streams: {serverBefore}; after {MeasuredStreams} more: {serverAfter}");
        foreach (var (side, before, after) in new[] { ("client", clientBefore, clientAfter), ("server", serverBefore, serverAfter) })
        {
            // Zero bytes would mean a closed connection, whose stats are all zero: nothing would be measured.
            Assert.True(before.Ngtcp2Bytes > 0 && after.Ngtcp2Bytes > 0, $"{side}: no reading of an open connection: {before} -> {after}");
            Assert.True(after.LiveStreams == 0 && after.ReleasedStreams == 0, $"{side}: ngtcp2 still holds streams that ended: {after}");
            var growth = (long)after.Ngtcp2Bytes - (long)before.Ngtcp2Bytes;
            Assert.True(growth <= MaxGrowth, $"{side}: ngtcp2's memory grew by {growth} B over {MeasuredStreams} streams that ended ({before} -> {after})");
        }
    }

    /// <summary>
    /// What an idle open stream costs ngtcp2 on each side (500 streams, one byte each, neither side finished): the figure
    /// a stream ngtcp2 keeps after release also costs. Bounded rather than pinned: ngtcp2's structures, not ours.
    /// </summary>
    [SkippableFact]
    public async Task An_idle_open_stream_costs_ngtcp2_a_few_hundred_bytes_on_each_side()
    {
        const int Streams = 500;
        await using var engine = EngineOrSkip();
        await using var pair = await PairAsync(engine, new QuicTransportParameters { MaxInboundBidirectionalStreams = Streams });
        var (_, client, server) = pair;
        await Task.Delay(300);
        var (clientBefore, serverBefore) = (Stats(client), Stats(server));

        for (var i = 0; i < Streams; i++)
        {
            var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
            await client.WriteAsync(id, new byte[1], fin: false);
        }

        var arrived = 0;
        while (arrived < Streams)
        {
            if (await NextAsync<EngineEvent>(server) is StreamDataReceived data)
            {
                data.Dispose();
                arrived++;
            }
        }

        await Task.Delay(300);
        var (clientAfter, serverAfter) = (Stats(client), Stats(server));
        var clientPerStream = ((long)clientAfter.Ngtcp2Bytes - (long)clientBefore.Ngtcp2Bytes) / (double)Streams;
        var serverPerStream = ((long)serverAfter.Ngtcp2Bytes - (long)serverBefore.Ngtcp2Bytes) / (double)Streams;
        output.WriteLine($"ngtcp2 bytes per idle open stream: client (sending) {clientPerStream:0}, server (receiving) {serverPerStream:0}; client {clientBefore} -> {clientAfter}; server {serverBefore} -> {serverAfter}");
        Assert.Equal((ulong)Streams, clientAfter.LiveStreams);
        Assert.Equal((ulong)Streams, serverAfter.LiveStreams);
        Assert.InRange(clientPerStream, 64, 2048);
        Assert.InRange(serverPerStream, 64, 2048);
    }

    /// <summary>
    /// Streams released with data and FIN still in flight, in random order: each leaves the live list for the released one
    /// (wherever it stood in either list), and ngtcp2 closes every one once the resets are through, so both lists empty.
    /// </summary>
    [SkippableFact]
    public async Task Streams_released_in_flight_in_random_order_all_leave_the_lists()
    {
        await using var engine = EngineOrSkip();
        await using var pair = await PairAsync(engine);
        var (_, client, server) = pair;
        using var stop = new CancellationTokenSource();
        var serve = Task.Run(() => ReleaseOnResetAsync(server, stop.Token));
        var drain = Task.Run(() => DrainAsync(client, stop.Token));
        var random = new Random(7);
        var releasedHeld = 0UL;
        for (var round = 0; round < 4; round++)
        {
            var ids = new List<QuicStreamId>();
            for (var i = 0; i < 40; i++)
            {
                var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
                await client.WriteAsync(id, new byte[random.Next(1, 20_000)], fin: random.Next(2) == 0);
                ids.Add(id);
            }

            foreach (var id in ids.OrderBy(_ => random.Next()))
            {
                client.ReleaseStream(id);
            }

            var held = Stats(client);
            Assert.Equal(0UL, held.LiveStreams);
            releasedHeld = Math.Max(releasedHeld, held.ReleasedStreams);
        }

        var deadline = DateTime.UtcNow + Wait;
        while ((Stats(client).ReleasedStreams != 0 || Stats(server).ReleasedStreams != 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var (clientAfter, serverAfter) = (Stats(client), Stats(server));
        await stop.CancelAsync();
        await Task.WhenAll(serve, drain).WaitAsync(Wait);
        output.WriteLine($"released and still held by ngtcp2 at most {releasedHeld}; after: client {clientAfter}, server {serverAfter}");
        Assert.True(releasedHeld > 1, $"the released list never held more than {releasedHeld} stream: nothing was unlinked from between two others");
        Assert.True(clientAfter.Ngtcp2Bytes > 0 && serverAfter.Ngtcp2Bytes > 0, $"a connection closed: {clientAfter}, {serverAfter}");
        Assert.True(clientAfter.LiveStreams + clientAfter.ReleasedStreams == 0, $"client: {clientAfter}");
        Assert.True(serverAfter.LiveStreams + serverAfter.ReleasedStreams == 0, $"server: {serverAfter}");
    }

    private static NativeConnectionStats Stats(IQuicEngineConnection connection) => ((Ngtcp2Connection)connection).NativeStats;

    /// <summary>One stream at a time: 64 B with FIN, the echo read to its FIN, our FIN acknowledged, then released.</summary>
    private static async Task ChurnAsync(IQuicEngineConnection client, int streams)
    {
        var payload = new byte[64];
        using var timeout = new CancellationTokenSource(Wait * 3);
        for (var i = 0; i < streams; i++)
        {
            var id = await client.OpenStreamAsync(StreamDirection.Bidirectional, timeout.Token);
            await client.WriteAsync(id, payload, fin: true);
            bool fin = false, acknowledged = false;
            while (!(fin && acknowledged))
            {
                switch (await client.Events.ReadAsync(timeout.Token))
                {
                    case StreamDataReceived data when data.StreamId == id:
                        client.Consume(id, data.Length);
                        fin |= data.IsFin;
                        data.Dispose();
                        break;
                    case StreamFinAcknowledged ack when ack.StreamId == id:
                        acknowledged = true;
                        break;
                    case IDisposable other:
                        other.Dispose();
                        break;
                }
            }

            client.ReleaseStream(id);
        }
    }

    /// <summary>Echoes each stream with FIN once its FIN is in, and releases it once the echo's FIN is acknowledged.</summary>
    private static Task EchoAsync(IQuicEngineConnection server, CancellationToken cancellation)
    {
        var received = new Dictionary<QuicStreamId, int>();
        return HandleEventsAsync(server, async e =>
        {
            switch (e)
            {
                case StreamDataReceived data:
                    received[data.StreamId] = received.GetValueOrDefault(data.StreamId) + data.Length;
                    server.Consume(data.StreamId, data.Length);
                    data.Dispose();
                    if (data.IsFin)
                    {
                        await server.WriteAsync(data.StreamId, new byte[received[data.StreamId]], fin: true);
                    }

                    break;
                case StreamFinAcknowledged ack when received.Remove(ack.StreamId):
                    server.ReleaseStream(ack.StreamId);
                    break;
                case IDisposable other:
                    other.Dispose();
                    break;
            }
        }, cancellation);
    }

    /// <summary>Consumes what arrives and releases each stream the peer resets (ours are reset by the client's release).</summary>
    private static Task ReleaseOnResetAsync(IQuicEngineConnection server, CancellationToken cancellation) =>
        HandleEventsAsync(server, e =>
        {
            switch (e)
            {
                case StreamDataReceived data:
                    server.Consume(data.StreamId, data.Length);
                    data.Dispose();
                    break;
                case PeerResetStream reset:
                    server.ReleaseStream(reset.StreamId);
                    break;
                case IDisposable other:
                    other.Dispose();
                    break;
            }

            return Task.CompletedTask;
        }, cancellation);

    private static Task DrainAsync(IQuicEngineConnection connection, CancellationToken cancellation) =>
        HandleEventsAsync(connection, e =>
        {
            (e as IDisposable)?.Dispose();
            return Task.CompletedTask;
        }, cancellation);

    /// <summary>Hands each event of <paramref name="connection"/> to <paramref name="handle"/>, in order, until <paramref name="cancellation"/> fires.</summary>
    private static async Task HandleEventsAsync(IQuicEngineConnection connection, Func<EngineEvent, Task> handle, CancellationToken cancellation)
    {
        try
        {
            await foreach (var e in connection.Events.ReadAllAsync(cancellation))
            {
                await handle(e);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
    }
}
