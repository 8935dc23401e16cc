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

    // Per stream, after the warm-up: ngtcp2 keeps some per-connection bookkeeping that grows by whole blocks (ACK
    // ranges, packet history), so a small allowance; a stream object ngtcp2 kept would cost several hundred bytes each.
    private const int MaxGrowthPerStream = 32;

    [SkippableFact]
    public async Task Streams_that_end_cleanly_hand_back_ngtcp2s_memory_and_the_shims_records()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener());
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var client = await engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        await using var server = await accept.WaitAsync(Wait);
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
            Assert.True(after.LiveStreams == 0 && after.ReleasedStreams == 0, $"{side}: ngtcp2 still holds streams that ended: {after}");
            Assert.True(before.Ngtcp2Bytes > 0, $"{side}: the shim's allocator counted nothing: {before}");
            var growth = (long)after.Ngtcp2Bytes - (long)before.Ngtcp2Bytes;
            Assert.True(growth <= MaxGrowthPerStream * MeasuredStreams, $"{side}: ngtcp2's memory grew by {growth} B over {MeasuredStreams} streams that ended ({before} -> {after})");
        }
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
    private static async Task EchoAsync(IQuicEngineConnection server, CancellationToken cancellation)
    {
        var received = new Dictionary<QuicStreamId, int>();
        try
        {
            await foreach (var e in server.Events.ReadAllAsync(cancellation))
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
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
    }
}
