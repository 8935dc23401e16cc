using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Conformance.Tests.Transport;

/// <summary>Stream credit (RFC 9000 §4.6) and flow control (§4.1, §4.2).</summary>
public abstract partial class TransportConformanceTests
{
    [SkippableFact]
    public async Task The_101st_open_waits_and_proceeds_exactly_when_one_slot_is_released()
    {
        Require(EngineCapabilities.ExplicitSlotRelease);
        await using var pair = await ConnectAsync(server: new QuicTransportParameters { MaxInboundBidirectionalStreams = 100 });
        var ids = new List<QuicStreamId>();
        for (var i = 0; i < 100; i++)
        {
            var id = await Within(pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
            await pair.Client.WriteAsync(id, Bytes("x"), fin: true);
            ids.Add(id);
        }
        var open101 = pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask();
        var open102 = pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask();
        Assert.False(pair.Client.TryOpenStream(StreamDirection.Bidirectional, out _));
        await AssertStillPendingAsync(open101, "the 101st open");

        // Finish stream 0 both ways at the server, then give its slot back: exactly one waiting open proceeds.
        await pair.ServerEvents.ReadToEndAsync(ids[0]);
        await pair.Server.WriteAsync(ids[0], ReadOnlyMemory<byte>.Empty, fin: true);
        pair.Server.ReleaseStream(ids[0]);
        var id101 = await Within(open101);
        Assert.Equal(QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, 100), id101);
        await AssertStillPendingAsync(open102, "the 102nd open after a single release");

        await pair.ServerEvents.ReadToEndAsync(ids[1]);
        pair.Server.ReleaseStream(ids[1]);
        Assert.Equal(101, (await Within(open102)).Index);
    }

    [SkippableFact]
    public async Task A_slot_that_is_never_released_is_never_granted_again()
    {
        Require(EngineCapabilities.ExplicitSlotRelease);
        await using var pair = await ConnectAsync(server: new QuicTransportParameters { MaxInboundBidirectionalStreams = 1 });
        var id = await Within(pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        await pair.Client.WriteAsync(id, Bytes("ping"), fin: true);
        Assert.Equal("ping", Text(await pair.ServerEvents.ReadToEndAsync(id)));
        await pair.Server.WriteAsync(id, Bytes("pong"), fin: true);
        Assert.Equal("pong", Text(await pair.ClientEvents.ReadToEndAsync(id)));
        // Both halves are finished at both ends, but the server never releases the slot.
        using var cancel = new CancellationTokenSource();
        var second = pair.Client.OpenStreamAsync(StreamDirection.Bidirectional, cancel.Token).AsTask();
        await Harness.AdvanceAsync(TimeSpan.FromSeconds(5));
        await AssertStillPendingAsync(second, "an open beyond a limit whose slot was never released");
        Assert.False(pair.ServerEvents.Has<PeerStreamOpened>(e => e.StreamId.Index == 1));

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Within(second));
        Assert.False(pair.Client.TryOpenStream(StreamDirection.Bidirectional, out _));
    }

    [SkippableFact]
    public async Task A_writer_blocks_when_the_window_is_full_and_resumes_when_the_reader_consumes()
    {
        RequireEngine();
        var server = new QuicTransportParameters { StreamReceiveWindow = 16 * 1024 };
        var client = new QuicTransportParameters { StreamSendBufferSize = 4 * 1024 };
        await using var pair = await ConnectAsync(server, client, autoConsume: false);
        var id = await Within(pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        var payload = new byte[64 * 1024];
        new Random(7).NextBytes(payload);

        var write = pair.Client.WriteAsync(id, payload, fin: true).AsTask();
        await pair.ServerEvents.ReadAtLeastAsync(id, 16 * 1024);
        await AssertStillPendingAsync(write, "a write beyond the peer's window and the send buffer");
        Assert.Equal(16 * 1024, pair.ServerEvents.BytesReceived(id)); // never more than the window

        long consumed = 0;
        while (!write.IsCompleted || consumed < payload.Length)
        {
            var received = await pair.ServerEvents.ReadAtLeastAsync(id, consumed + 1);
            pair.Server.Consume(id, (int)(received.Length - consumed));
            consumed = received.Length;
            if (consumed == payload.Length) break;
        }
        await Within(write);
        Assert.Equal(payload, await pair.ServerEvents.ReadToEndAsync(id));
    }
}
