using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using QuicActors.TestKit;

/// <summary>
/// S1, bidirectional close (issue 5): the server admits 100 inbound bidirectional streams; the client runs streams one
/// after another (open with a 2 s timeout, write 64 B, complete writes, read the reply to EOF). Whatever the server
/// handler does with its receive side, the slot must come back, except in raw mode where a careless handler leaks it.
/// Runs once per engine (one sealed subclass each): in memory on virtual time, and on ngtcp2 over loopback in real time.
/// </summary>
public abstract class S1BidirectionalCloseSpec(ITestOutputHelper output, bool useVirtualTime) : QuicActors.TestKit.TestKit(output, useVirtualTime)
{
    private const int Limit = 100;

    /// <summary>How many streams run one after another: ten times the limit in memory, enough to cycle every slot thrice on a real engine.</summary>
    protected abstract int Streams { get; }

    /// <summary>The engine this run uses; the host takes ownership.</summary>
    private protected abstract SpecEngine CreateEngine();
    private static readonly byte[] Request = new byte[64];
    private static readonly byte[] ReplyBytes = "pong\r\n"u8.ToArray();

    [SkippableFact]
    public Task Handler_reading_to_eof_releases_every_slot() => RunAllAsync(LingerPolicy.Default, async (stream, _) =>
    {
        var buffer = new byte[128];
        while (await stream.ReadAsync(buffer) > 0)
        {
        }

        await stream.WriteAsync(ReplyBytes, completeWrites: true);
    });

    [SkippableFact]
    public Task Handler_reading_exactly_64_bytes_releases_every_slot_under_linger() =>
        RunAllAsync(LingerPolicy.Default, ReadExactly64ThenReply);

    // Raw mode on purpose: aborting the receive side must be enough on its own, with no help from the linger policy.
    [SkippableFact]
    public Task Handler_reading_64_bytes_then_aborting_reading_releases_every_slot() => RunAllAsync(LingerPolicy.RawMode, async (stream, _) =>
    {
        await ReadExactlyAsync(stream, 64);
        stream.Abort(StreamAbortDirection.Read, 5);
        await stream.WriteAsync(ReplyBytes, completeWrites: true);
    });

    [SkippableFact]
    public async Task In_raw_mode_a_handler_not_reading_eof_leaks_and_the_101st_open_times_out()
    {
        await using var host = await StreamSpecHost.StartAsync(Sys, CreateEngine(), Limit, LingerPolicy.RawMode, ReadExactly64ThenReply);
        for (var i = 0; i < Limit; i++)
        {
            await RunOneStreamAsync(host);
        }

        var status = await ConnectionActor.GetStatusAsync(host.ServerActor);
        Assert.Empty(status.InvariantViolations);
        Assert.Equal(Limit, status.InboundBidirectionalInUse);
        Assert.Equal(0, status.InboundBidirectionalAvailable);

        var open = ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2));
        await Task.Delay(100);
        Assert.False(open.IsCompleted, "the 101st open must wait for credit that never comes");
        if (VirtualTime is not null) Advance(TimeSpan.FromSeconds(2)); // on the wall clock the 2 s pass by themselves
        await Assert.ThrowsAsync<TimeoutException>(() => open.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static async Task ReadExactly64ThenReply(StreamHandle stream, CancellationToken token)
    {
        await ReadExactlyAsync(stream, 64);
        await stream.WriteAsync(ReplyBytes, completeWrites: true);
    }

    private static async Task ReadExactlyAsync(StreamHandle stream, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read));
            Assert.NotEqual(0, n);
            read += n;
        }
    }

    private async Task RunAllAsync(LingerPolicy serverLinger, Func<StreamHandle, CancellationToken, Task> handler)
    {
        await using var host = await StreamSpecHost.StartAsync(Sys, CreateEngine(), Limit, serverLinger, handler);
        var maxLive = 0;
        for (var i = 0; i < Streams; i++)
        {
            await RunOneStreamAsync(host);
            var status = await ConnectionActor.GetStatusAsync(host.ServerActor);
            Assert.Empty(status.InvariantViolations);
            Assert.Equal(Limit, status.InboundBidirectionalInUse + status.InboundBidirectionalAvailable);
            maxLive = Math.Max(maxLive, status.LiveStreams);
        }

        // The last streams finish their FIN acknowledgements and linger asynchronously.
        await AwaitStatusAsync(host, s => s.LiveStreams == 0 && s.InboundBidirectionalInUse == 0);
        var final = await ConnectionActor.GetStatusAsync(host.ServerActor);
        Assert.Empty(final.InvariantViolations);
        Assert.Equal(Streams, final.InboundBidirectionalReleased);
        Assert.True(maxLive <= 4, $"at most a few server streams may be live at once; saw {maxLive}");
    }

    private async Task RunOneStreamAsync(StreamSpecHost host)
    {
        var open = ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2));
        if (await Task.WhenAny(open, Task.Delay(TimeSpan.FromMilliseconds(500))) != open)
        {
            // No credit: let the 2 s open timeout run on the virtual clock (the wall clock runs it by itself).
            if (VirtualTime is not null) Advance(TimeSpan.FromSeconds(2));
        }

        await using var stream = await open.WaitAsync(TimeSpan.FromSeconds(10));
        await stream.WriteAsync(Request, completeWrites: true).WaitAsync(TimeSpan.FromSeconds(10));
        var reply = new byte[ReplyBytes.Length];
        var read = 0;
        while (true)
        {
            var n = await stream.ReadAsync(reply.AsMemory(read)).WaitAsync(TimeSpan.FromSeconds(10));
            if (n == 0)
            {
                break;
            }

            read += n;
            if (read == reply.Length)
            {
                Assert.Equal(0, await stream.ReadAsync(new byte[1]).WaitAsync(TimeSpan.FromSeconds(10)));
                break;
            }
        }

        Assert.Equal(ReplyBytes, reply);
    }

    private static async Task AwaitStatusAsync(StreamSpecHost host, Func<ConnectionStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        ConnectionStatus status;
        do
        {
            status = await ConnectionActor.GetStatusAsync(host.ServerActor);
            if (condition(status))
            {
                return;
            }

            await Task.Delay(10);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"The server connection never settled: {status}");
    }
}
