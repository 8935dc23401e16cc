using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using QuicActors.Transport.Ngtcp2;
using Xunit.Abstractions;
using static QuicActors.Transport.Tests.Ngtcp2.Ngtcp2TestContext;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>Garbage at the listener, disposal with traffic in flight, and a connection soak with memory measurements.</summary>
[Collection(MemoryMeasuringCollection.Name)]
public sealed class Ngtcp2RobustnessTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Random_datagrams_are_dropped_counted_and_harm_no_connection()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener());
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var client = await engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        await using var server = await accept.WaitAsync(Wait);

        var ngtcp2Listener = Assert.IsType<Ngtcp2Listener>(listener);
        async Task WaitForDroppedAsync(long count)
        {
            var deadline = DateTime.UtcNow + Wait;
            while (ngtcp2Listener.DroppedDatagrams < count && DateTime.UtcNow < deadline) await Task.Delay(5);
        }

        using var noise = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var random = new Random(6);
        const int sent = 300;
        for (var i = 0; i < sent; i++)
        {
            var datagram = new byte[random.Next(1, 1400)];
            random.NextBytes(datagram);
            if (i % 3 == 0) datagram[0] = 0xc0; // long header with random version and IDs
            if (i % 3 == 1) datagram[0] = 0x40; // short header naming an unknown connection ID
            noise.SendTo(datagram, listener.LocalEndPoint);
            // Paced in small bursts so the kernel's socket buffer never overflows: every datagram must be seen.
            if (i % 20 == 19) await WaitForDroppedAsync(i + 1);
        }
        await WaitForDroppedAsync(sent);
        Assert.Equal(sent, ngtcp2Listener.DroppedDatagrams);
        Assert.Equal(1, ngtcp2Listener.ConnectionCount);

        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await client.WriteAsync(id, "still fine"u8.ToArray(), fin: true);
        Assert.Equal("still fine"u8.ToArray(), await ReadToEndAsync(server, id));
    }

    [SkippableFact]
    public async Task Disposing_with_streams_and_events_in_flight_is_safe()
    {
        await using var engine = EngineOrSkip();
        var listener = await engine.ListenAsync(Listener());
        var accept = listener.AcceptConnectionAsync().AsTask();
        var client = await engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        var server = await accept.WaitAsync(Wait);
        for (var i = 0; i < 20; i++)
        {
            var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
            await client.WriteAsync(id, new byte[8000], fin: i % 2 == 0);
        }
        await Task.WhenAll(client.DisposeAsync().AsTask(), listener.DisposeAsync().AsTask(), server.DisposeAsync().AsTask()).WaitAsync(Wait);
        Assert.Equal(ConnectionCloseInitiator.Local, (await client.Closed.WaitAsync(Wait)).Initiator);
        await server.Closed.WaitAsync(Wait);
        var ex = await Assert.ThrowsAsync<QuicTransportException>(() => client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        Assert.Equal(QuicTransportError.ConnectionClosed, ex.Error);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => listener.AcceptConnectionAsync().AsTask());
    }

    /// <summary>
    /// Opens, uses and closes connections one after another and checks that native (RSS) and managed memory stay flat.
    /// 300 by default; set QA_NGTCP2_SOAK_CONNECTIONS=10000 for the full soak.
    /// </summary>
    [SkippableFact]
    public async Task Connection_soak_keeps_native_and_managed_memory_flat()
    {
        await using var engine = EngineOrSkip();
        var total = int.TryParse(Environment.GetEnvironmentVariable("QA_NGTCP2_SOAK_CONNECTIONS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 300;
        await using var listener = await engine.ListenAsync(Listener());
        var ngtcp2Listener = (Ngtcp2Listener)listener;
        var serve = Task.Run(async () =>
        {
            while (true)
            {
                IQuicEngineConnection server;
                try
                {
                    server = await listener.AcceptConnectionAsync();
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    await using (server)
                    {
                        await foreach (var e in server.Events.ReadAllAsync())
                        {
                            if (e is StreamDataReceived d)
                            {
                                server.Consume(d.StreamId, d.Length);
                                if (d.IsFin) await server.WriteAsync(d.StreamId, "ok"u8.ToArray(), fin: true);
                                d.Dispose();
                            }
                        }
                    }
                });
            }
        });

        async Task OneAsync()
        {
            await using var client = await engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
            var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
            await client.WriteAsync(id, new byte[1000], fin: true);
            Assert.Equal("ok"u8.ToArray(), await ReadToEndAsync(client, id));
            await client.CloseAsync(0);
        }

        // The first third warms up (JIT, GC heaps, one glibc malloc arena per loop thread); growth is judged between the
        // end of the second third and the end, when a leak of even a few hundred bytes per connection would show.
        var warmup = total / 3;
        var middle = 2 * total / 3;
        for (var i = 0; i < warmup; i++) await OneAsync();
        var (rss0, managed0) = Measure();
        var sw = Stopwatch.StartNew();
        long rssMiddle = 0, managedMiddle = 0;
        for (var i = warmup; i < total; i++)
        {
            await OneAsync();
            if (i + 1 == middle) (rssMiddle, managedMiddle) = Measure();
            if ((i + 1) % 1000 == 0)
            {
                var (r, m) = Measure();
                output.WriteLine($"{i + 1} connections: RSS {r / 1024} KiB, managed {m / 1024} KiB, {sw.Elapsed.TotalSeconds:F1}s");
            }
        }
        var (rss1, managed1) = Measure();
        output.WriteLine($"soak of {total} connections in {sw.Elapsed.TotalSeconds:F1}s after {warmup} warm-up: RSS {rss0 / 1024} -> {rssMiddle / 1024} -> {rss1 / 1024} KiB, managed {managed0 / 1024} -> {managedMiddle / 1024} -> {managed1 / 1024} KiB");
        var deadline = DateTime.UtcNow + Wait;
        while (ngtcp2Listener.ConnectionCount > 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(0, ngtcp2Listener.ConnectionCount);
        Assert.InRange(managed1 - managedMiddle, long.MinValue, 8L * 1024 * 1024);
        Assert.InRange(rss1 - rssMiddle, long.MinValue, 24L * 1024 * 1024);
    }

    private static (long Rss, long Managed) Measure()
    {
        var managed = ManagedHeap.LiveBytesAfterFullCollection();
        long rss = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        return (rss, managed);
    }
}
