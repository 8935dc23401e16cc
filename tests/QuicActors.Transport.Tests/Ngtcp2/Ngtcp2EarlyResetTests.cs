using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using static QuicActors.Transport.Tests.Ngtcp2.Ngtcp2TestContext;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>
/// A peer stream whose first frame is its RESET_STREAM (the peer reset it before any byte left: quic-go does this when
/// CancelWrite follows Write at once). ngtcp2 0.12 creates no stream for it and re-grants its slot on its own, so the
/// engine must report the stream itself and must not grant the slot twice.
/// </summary>
public sealed class Ngtcp2EarlyResetTests
{
    [SkippableFact]
    public async Task A_stream_reset_before_its_first_byte_is_reported_with_its_code_and_gives_exactly_one_slot_back()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener(new QuicTransportParameters { MaxInboundBidirectionalStreams = 1 }));
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var client = await engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        await using var server = await accept.WaitAsync(Wait);

        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        Assert.True(client.ResetStream(id, 5));

        var seen = new List<EngineEvent>();
        Assert.Equal(id, (await NextAsync<PeerStreamOpened>(server, seen: seen)).StreamId);
        var reset = await NextAsync<PeerResetStream>(server, seen: seen);
        Assert.Equal(id, reset.StreamId);
        Assert.Equal(5, reset.ApplicationErrorCode);
        Assert.Equal(0, reset.FinalSize);

        // ngtcp2 0.12 returns this slot by itself when the reset arrives (a documented deviation from explicit release):
        // the peer may open the next stream at once...
        var second = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        Assert.Equal(new QuicStreamId(4), second);
        var writeOnReset = await Assert.ThrowsAsync<QuicTransportException>(() => server.WriteAsync(id, new byte[1], fin: true).AsTask());
        Assert.Equal(QuicTransportError.StreamDirectionClosed, writeOnReset.Error);

        // ...and releasing it must not grant the slot a second time: the limit of 1 still holds.
        server.ReleaseStream(id);
        var third = client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask();
        await Task.Delay(300);
        Assert.False(third.IsCompleted, "one reset stream must give exactly one slot back, not two");
        await client.WriteAsync(second, new byte[1], fin: true);
        await NextAsync<PeerStreamOpened>(server, o => o.StreamId == second, seen);
        server.ReleaseStream(second);
        Assert.Equal(new QuicStreamId(8), await third.WaitAsync(Wait));
    }
}
