using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using static QuicActors.Transport.Tests.Ngtcp2.Ngtcp2TestContext;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>Stream aborts, flow control by consume, explicit slot release and idle timeout over real UDP.</summary>
public sealed class Ngtcp2StreamTests
{
    [SkippableFact]
    public async Task Reset_and_stop_sending_reach_the_peer_with_their_codes()
    {
        await using var engine = EngineOrSkip();
        await using var pair = await PairAsync(engine);
        var (_, client, server) = pair;

        var reset = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await client.WriteAsync(reset, new byte[100], fin: false);
        await NextAsync<PeerStreamOpened>(server, e => e.StreamId == reset);
        Assert.True(client.ResetStream(reset, 7));
        Assert.False(client.ResetStream(reset, 7));
        var peerReset = await NextAsync<PeerResetStream>(server, e => e.StreamId == reset);
        Assert.Equal(7, peerReset.ApplicationErrorCode);
        var writeAfterReset = await Assert.ThrowsAsync<QuicTransportException>(() => client.WriteAsync(reset, new byte[1], false).AsTask());
        Assert.Equal(QuicTransportError.StreamAborted, writeAfterReset.Error);

        var stopped = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await client.WriteAsync(stopped, new byte[10], fin: false);
        await NextAsync<PeerStreamOpened>(server, e => e.StreamId == stopped);
        Assert.True(server.StopSending(stopped, 9));
        var peerStop = await NextAsync<PeerStopSending>(client, e => e.StreamId == stopped);
        Assert.Equal(9, peerStop.ApplicationErrorCode);
        var writeAfterStop = await Assert.ThrowsAsync<QuicTransportException>(() => client.WriteAsync(stopped, new byte[1], false).AsTask());
        Assert.Equal(QuicTransportError.StreamAborted, writeAfterStop.Error);
        Assert.Equal(9, writeAfterStop.ApplicationErrorCode);
    }

    [SkippableFact]
    public async Task Unconsumed_data_holds_the_peer_at_the_stream_window_and_consume_releases_it()
    {
        await using var engine = EngineOrSkip();
        const int window = 16 * 1024;
        await using var pair = await PairAsync(engine, serverTransport: new QuicTransportParameters { StreamReceiveWindow = window });
        var (_, client, server) = pair;

        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        var payload = new byte[4 * window];
        Random.Shared.NextBytes(payload);
        await client.WriteAsync(id, payload, fin: true).AsTask().WaitAsync(Wait);

        var delivered = new List<StreamDataReceived>();
        using (var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(700)))
        {
            try
            {
                while (true)
                {
                    if (await server.Events.ReadAsync(quiet.Token) is StreamDataReceived d) delivered.Add(d);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
        var held = delivered.Sum(d => d.Length);
        Assert.Equal(window, held);

        // The window is full, so nothing more can arrive: consuming more than was delivered is a caller bug.
        Assert.Throws<ArgumentOutOfRangeException>(() => server.Consume(id, held + 1));
        var received = new MemoryStream();
        foreach (var d in delivered)
        {
            received.Write(d.Data.Span);
            server.Consume(id, d.Length);
            d.Dispose();
        }
        received.Write(await ReadToEndAsync(server, id));
        Assert.Equal(payload, received.ToArray());
    }

    [SkippableFact]
    public async Task Stop_sending_returns_unconsumed_bytes_to_the_connection_window()
    {
        await using var engine = EngineOrSkip();
        const int window = 32 * 1024;
        await using var pair = await PairAsync(engine, serverTransport: new QuicTransportParameters { StreamReceiveWindow = window, ConnectionReceiveWindow = window });
        var (_, client, server) = pair;

        var abandoned = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await client.WriteAsync(abandoned, new byte[24 * 1024], fin: false);
        var held = 0;
        while (held < 24 * 1024)
        {
            using var d = await NextAsync<StreamDataReceived>(server, e => e.StreamId == abandoned);
            held += d.Length;
        }
        Assert.True(server.StopSending(abandoned, 3));
        server.Consume(abandoned, 10); // late, and ignored: the credit is already back

        var next = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        var payload = new byte[window];
        Random.Shared.NextBytes(payload);
        await client.WriteAsync(next, payload, fin: true).AsTask().WaitAsync(Wait);
        Assert.Equal(payload, await ReadToEndAsync(server, next));
    }

    [SkippableFact]
    public async Task A_peer_stream_slot_comes_back_only_through_ReleaseStream()
    {
        await using var engine = EngineOrSkip();
        await using var pair = await PairAsync(engine, serverTransport: new QuicTransportParameters { MaxInboundBidirectionalStreams = 2 });
        var (_, client, server) = pair;

        var first = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        var second = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await client.WriteAsync(first, new byte[1], fin: true);
        await client.WriteAsync(second, new byte[1], fin: true);
        Assert.False(client.TryOpenStream(StreamDirection.Bidirectional, out _));
        var third = client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask();

        var arrived = new[] { (await ReadStreamAsync(server)).StreamId, (await ReadStreamAsync(server)).StreamId };
        Assert.Equal([first, second], arrived.Order());
        await server.WriteAsync(first, new byte[1], fin: true);
        await NextAsync<StreamFinAcknowledged>(server, e => e.StreamId == first);
        await Task.Delay(300);
        Assert.False(third.IsCompleted, "ngtcp2 must not re-grant the slot before ReleaseStream");

        server.ReleaseStream(first);
        Assert.Equal(new QuicStreamId(8), await third.WaitAsync(Wait));
        var ex = Assert.Throws<QuicTransportException>(() => server.ReleaseStream(first));
        Assert.Equal(QuicTransportError.StreamNotFound, ex.Error);
    }

    private static async Task<StreamDataReceived> ReadStreamAsync(IQuicEngineConnection connection)
    {
        var d = await NextAsync<StreamDataReceived>(connection);
        connection.Consume(d.StreamId, d.Length);
        d.Dispose();
        return d;
    }

    [SkippableFact]
    public async Task Idle_connections_close_with_IdleTimeout_on_both_ends()
    {
        await using var engine = EngineOrSkip();
        var idle = new QuicTransportParameters { IdleTimeout = TimeSpan.FromMilliseconds(800) };
        await using var pair = await PairAsync(engine, idle, idle);
        var (_, client, server) = pair;

        var clientClose = await client.Closed.WaitAsync(Wait);
        var serverClose = await server.Closed.WaitAsync(Wait);
        Assert.Equal(ConnectionCloseInitiator.IdleTimeout, clientClose.Initiator);
        Assert.Equal(ConnectionCloseInitiator.IdleTimeout, serverClose.Initiator);
        await NextAsync<ConnectionClosed>(client);
    }
}

/// <summary>Unidirectional streams: the peer gets a receive half only.</summary>
public sealed class Ngtcp2UnidirectionalStreamTests
{
    [SkippableFact]
    public async Task A_unidirectional_stream_carries_data_one_way_and_its_receiver_cannot_write()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener());
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var client = await engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        await using var server = await accept.WaitAsync(Wait);

        var id = await client.OpenStreamAsync(StreamDirection.Unidirectional).AsTask().WaitAsync(Wait);
        Assert.Equal(2, id.Value);
        await client.WriteAsync(id, "one way"u8.ToArray(), fin: true);
        var opened = await NextAsync<PeerStreamOpened>(server);
        Assert.Equal(StreamDirection.Unidirectional, opened.StreamId.Direction);
        Assert.Equal("one way"u8.ToArray(), await ReadToEndAsync(server, id));
        var ex = await Assert.ThrowsAsync<QuicTransportException>(() => server.WriteAsync(id, new byte[1], true).AsTask());
        Assert.Equal(QuicTransportError.StreamDirectionClosed, ex.Error);
        Assert.Throws<QuicTransportException>(() => client.StopSending(id, 1));
        await NextAsync<StreamFinAcknowledged>(client, e => e.StreamId == id);
        server.ReleaseStream(id);
    }
}
