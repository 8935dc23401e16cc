using QuicActors.Conformance.Tests.Harness;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using QuicActors.Transport.Ngtcp2.Internal;
using Xunit.Abstractions;
using static QuicActors.Transport.Tests.Ngtcp2.Ngtcp2TestContext;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>
/// After our STOP_SENDING, ngtcp2 0.12 forwards nothing of the stream, not even its FIN, and keeps a stream whose FIN
/// came after the STOP_SENDING open until a RESET_STREAM the peer need not send (RFC 9000 §3.5: not once its data is
/// acknowledged). The engine still reports that the discarded data ended (<see cref="IQuicEngineConnection.StopSending"/>),
/// or the receive half could not end before the connection; once released, such a stream stays off the send path while
/// ngtcp2 holds it.
/// </summary>
public sealed class Ngtcp2DiscardedDataTests(ITestOutputHelper output)
{
    private const int MaxAttempts = 8;

    [SkippableFact]
    public async Task A_stopped_receive_half_whose_peer_finished_without_a_reset_ends_exactly_once()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener());
        await using var relay = new DelayingUdpRelay(listener.LocalEndPoint, TimeSpan.Zero);
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var client = await engine.ConnectAsync(Client(relay.EndPoint)).AsTask().WaitAsync(Wait);
        await using var server = await accept.WaitAsync(Wait);
        var seen = new List<EngineEvent>();
        var endsWithoutReset = 0;
        var native = (Ngtcp2Connection)server;
        var before = native.NativeStats;

        // The STOP_SENDING is lost, so the client's FIN and its acknowledgement come before the retransmitted one: the
        // client, its data all acknowledged, sends no reset (RFC 9000 §3.5). A retransmission that overtakes the
        // acknowledgement makes the client reset after all; then the attempt is made again on a new stream.
        for (var attempt = 0; attempt < MaxAttempts && endsWithoutReset == 0; attempt++)
        {
            var id = await client.OpenStreamAsync(StreamDirection.Unidirectional).AsTask().WaitAsync(Wait);
            await client.WriteAsync(id, "hi"u8.ToArray(), fin: false);
            (await NextAsync<StreamDataReceived>(server, e => e.StreamId == id, seen)).Dispose();
            await Task.Delay(100); // the acknowledgement of "hi" is out

            relay.LoseServerPackets = true;
            var lostBefore = relay.LostServerPackets;
            Assert.True(server.StopSending(id, 7));
            var deadline = DateTime.UtcNow + Wait;
            while (relay.LostServerPackets == lostBefore && DateTime.UtcNow < deadline)
            {
                await Task.Delay(1);
            }

            relay.LoseServerPackets = false;
            await client.WriteAsync(id, ReadOnlyMemory<byte>.Empty, fin: true);

            if (await NextAsync<StreamEvent>(server, e => IsEnd(e, id), seen) is StreamDataDiscarded discarded)
            {
                Assert.Null(discarded.FinalSize);
                endsWithoutReset++;
            }

            // Nothing of the half follows its end: a late reset is not reported, and no data comes.
            using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                while (true)
                {
                    var e = await server.Events.ReadAsync(quiet.Token);
                    seen.Add(e);
                    (e as IDisposable)?.Dispose();
                }
            }
            catch (OperationCanceledException)
            {
            }

            Assert.Single(seen, e => IsEnd(e, id));
            Assert.Single(seen, e => e is StreamDataReceived d && d.StreamId == id);
        }

        Assert.True(endsWithoutReset > 0, $"in {MaxAttempts} attempts the client always reset: {string.Join(", ", seen)}");

        foreach (var end in seen.Where(e => e is StreamDataDiscarded or PeerResetStream).Cast<StreamEvent>())
        {
            server.ReleaseStream(end.StreamId);
        }

        await Task.Delay(300);
        var after = native.NativeStats;
        output.WriteLine($"server before the streams: {before}; after {endsWithoutReset} ended without a reset and all were released: {after}");
        Assert.True(after.Ngtcp2Bytes > 0, $"the connection closed: {after}");
        Assert.Equal(0UL, after.LiveStreams);

        // ngtcp2 0.12 keeps each stream that ended without a reset (it waits for one), off the shim's send path.
        Assert.Equal((ulong)endsWithoutReset, after.ReleasedStreams);
    }

    private static bool IsEnd(EngineEvent e, QuicStreamId id) =>
        (e is PeerResetStream reset && reset.StreamId == id) || (e is StreamDataDiscarded discarded && discarded.StreamId == id);
}
