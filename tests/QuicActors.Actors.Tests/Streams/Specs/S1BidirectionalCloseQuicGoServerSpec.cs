using System.Globalization;
using QuicActors.Conformance.Tests.Interop.Peer;
using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using QuicActors.TestKit;

/// <summary>
/// S1 with quic-go 0.29 as the server (limit 100) and our client connection actor on ngtcp2 running the streams one
/// after another: open with a 2 s timeout, write 64 B, complete writes, read the reply to EOF. The server handlers are
/// quic-go's, so what comes back is up to quic-go: (a) <c>echo</c> reads to EOF and returns every slot; (c)
/// <c>reply-stop-reading</c> reads half the request, stops reading (STOP_SENDING) and replies, and returns every slot
/// too; (b) <c>reply-no-eof</c> never reads our FIN, and quic-go has no linger policy, so it never returns a slot: our
/// 101st open times out, which is the field failure of the issue, seen from the client, while our own accounting stays
/// correct (every one of our streams terminated, nothing left waiting). quic-go reads at most 32 bytes of the request in
/// (b) and (c) (reading all 64 would consume the FIN that came with them) and echoes what it read.
/// </summary>
public sealed class S1BidirectionalCloseQuicGoServerSpec(ITestOutputHelper output) : TestKit(output)
{
    private const int Limit = 100;
    private const int Streams = 1000;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public Task Quic_go_echo_server_reading_to_eof_returns_every_slot_so_1000_streams_run() => RunAllAsync("echo", replyLength: 64);

    [SkippableFact]
    public Task Quic_go_server_stopping_reading_after_half_the_request_returns_every_slot_so_1000_streams_run() =>
        RunAllAsync("reply-stop-reading", replyLength: 32, "--code", "5");

    [SkippableFact]
    public async Task Quic_go_server_never_reading_eof_never_returns_a_slot_so_our_101st_open_times_out_with_our_accounting_intact()
    {
        await using var server = await QuicGoServer.StartAsync("reply-no-eof", "--max-streams", $"{Limit}");
        await using var host = await StreamSpecHost.ConnectAsync(Sys, SpecEngine.Ngtcp2(), server.EndPoint);
        for (var i = 0; i < Limit; i++) await RunOneStreamAsync(host, i, replyLength: 32);

        var open = ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2));
        await Task.Delay(500);
        Assert.False(open.IsCompleted, "the 101st open must wait for credit quic-go never returns");
        await Assert.ThrowsAsync<TimeoutException>(() => open.WaitAsync(Wait));

        // Our side finished every stream (our FIN acknowledged, the reply read to EOF) and holds nothing: the slots
        // are stuck in quic-go, which never consumed our FINs.
        var status = await AwaitClientStatusAsync(host, s => s.LiveStreams == 0);
        Assert.Equal(0, status.WaitingOpens);
        Assert.Empty(status.InvariantViolations);
        Assert.Equal(Limit, (await server.WaitForEventsAsync("stream-accepted", Limit)).Count);
        Assert.Empty(server.EventsNamed("stream-eof"));
    }

    private async Task RunAllAsync(string mode, int replyLength, params string[] arguments)
    {
        await using var server = await QuicGoServer.StartAsync(mode, ["--max-streams", $"{Limit}", .. arguments]);
        await using var host = await StreamSpecHost.ConnectAsync(Sys, SpecEngine.Ngtcp2(), server.EndPoint);
        var maxLive = 0;
        for (var i = 0; i < Streams; i++)
        {
            await RunOneStreamAsync(host, i, replyLength);
            if (i % 50 == 49)
            {
                var status = await ConnectionActor.GetStatusAsync(host.ClientActor);
                Assert.Empty(status.InvariantViolations);
                maxLive = Math.Max(maxLive, status.LiveStreams);
            }
        }

        var final = await AwaitClientStatusAsync(host, s => s.LiveStreams == 0);
        Assert.Empty(final.InvariantViolations);
        Assert.Equal(0, final.WaitingOpens);
        Assert.True(maxLive <= 4, $"at most a few client streams may be live at once; saw {maxLive}");
        // Stream 1000 could be opened only because quic-go had returned at least 900 slots.
        Assert.Equal(Streams, (await server.WaitForEventsAsync("stream-accepted", Streams)).Count);
    }

    private static async Task RunOneStreamAsync(StreamSpecHost host, int index, int replyLength)
    {
        await using var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        Assert.Equal((long)index * 4, stream.StreamId.Value);
        var request = Request(index);
        await stream.WriteAsync(request, completeWrites: true).WaitAsync(Wait);
        var reply = new MemoryStream();
        var buffer = new byte[128];
        int n;
        while ((n = await stream.ReadAsync(buffer).WaitAsync(Wait)) > 0) reply.Write(buffer, 0, n);
        Assert.Equal(request.AsSpan(0, replyLength).ToArray(), reply.ToArray());
    }

    private static byte[] Request(int index)
    {
        var bytes = new byte[64];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)('a' + (i % 26));
        System.Text.Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"stream {index} ")).CopyTo(bytes, 0);
        return bytes;
    }

    private static async Task<ConnectionStatus> AwaitClientStatusAsync(StreamSpecHost host, Func<ConnectionStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        var status = await ConnectionActor.GetStatusAsync(host.ClientActor);
        while (!condition(status) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
            status = await ConnectionActor.GetStatusAsync(host.ClientActor);
        }
        Assert.True(condition(status), $"The client connection never settled: {status}");
        return status;
    }
}
