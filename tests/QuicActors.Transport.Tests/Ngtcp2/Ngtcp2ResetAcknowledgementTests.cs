using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using static QuicActors.Transport.Tests.Ngtcp2.Ngtcp2TestContext;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>
/// A reset send half is terminal only once its RESET_STREAM is acknowledged ("Reset Recvd", RFC 9000 §3.1); the actor
/// layer waits for <see cref="StreamResetAcknowledged"/> before it gives the slot back, so the engine must report it.
/// </summary>
public sealed class Ngtcp2ResetAcknowledgementTests
{
    private static async Task<(IQuicEngineListener Listener, IQuicEngineConnection Client, IQuicEngineConnection Server, QuicStreamId Id)> OpenExchangedStreamAsync(IQuicEngine engine)
    {
        var listener = await engine.ListenAsync(Listener());
        var accept = listener.AcceptConnectionAsync().AsTask();
        var client = await engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        var server = await accept.WaitAsync(Wait);
        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await client.WriteAsync(id, new byte[8], fin: false);
        await NextAsync<PeerStreamOpened>(server, o => o.StreamId == id);
        return (listener, client, server, id);
    }

    [SkippableFact]
    public async Task Our_reset_is_reported_acknowledged_once_the_stream_is_done()
    {
        await using var engine = EngineOrSkip();
        var (listener, client, server, id) = await OpenExchangedStreamAsync(engine);
        await using var l = listener;
        await using var c = client;
        await using var s = server;

        // The server ends its half; the client's receive half is then done, and only its reset remains.
        await server.WriteAsync(id, new byte[1], fin: true);
        Assert.Single(await ReadToEndAsync(client, id));
        Assert.True(client.ResetStream(id, 3));
        Assert.Equal(3, (await NextAsync<PeerResetStream>(server, r => r.StreamId == id)).ApplicationErrorCode);
        await NextAsync<StreamResetAcknowledged>(client, a => a.StreamId == id);
    }

    [SkippableFact]
    public async Task The_reset_answering_a_peer_stop_sending_is_reported_acknowledged()
    {
        await using var engine = EngineOrSkip();
        var (listener, client, server, id) = await OpenExchangedStreamAsync(engine);
        await using var l = listener;
        await using var c = client;
        await using var s = server;

        // The client stops the server's half and finishes its own: ngtcp2 answers with RESET_STREAM on the server.
        Assert.True(client.StopSending(id, 4));
        await client.WriteAsync(id, ReadOnlyMemory<byte>.Empty, fin: true);
        var seen = new List<EngineEvent>();
        Assert.Equal(4, (await NextAsync<PeerStopSending>(server, p => p.StreamId == id, seen)).ApplicationErrorCode);
        await NextAsync<StreamResetAcknowledged>(server, a => a.StreamId == id, seen);
        if (!seen.Exists(e => e is StreamDataReceived { IsFin: true } d && d.StreamId == id))
            await NextAsync<StreamDataReceived>(server, d => d.StreamId == id && d.IsFin, seen);
    }
}
