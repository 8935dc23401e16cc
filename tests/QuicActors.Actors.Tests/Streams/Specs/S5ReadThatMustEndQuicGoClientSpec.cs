using System.Text;
using QuicActors.Conformance.Tests.Interop.Peer;
using QuicActors.Streams;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using QuicActors.TestKit;

/// <summary>
/// S5 with quic-go 0.29 as the client and our server connection actor on ngtcp2 hosting the handler that reads one
/// message, replies once and never finishes. quic-go (<c>abort-after-reply</c>) reads the reply, lets a 500 ms read
/// deadline expire (its own deadline, checked by the peer), writes once more to show the stream survived, then aborts
/// both directions with code 9 (STOP_SENDING and RESET_STREAM). Our handler must see the second message, then the code on
/// its next read and on its next write, and its cancellation token must fire; the slot comes back.
/// </summary>
public sealed class S5ReadThatMustEndQuicGoClientSpec(ITestOutputHelper output) : TestKit(output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task Quic_go_aborting_after_its_read_deadline_reaches_our_never_finishing_handler_with_the_code_and_fires_its_token()
    {
        var sawAfterTimeout = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var readAbort = new TaskCompletionSource<StreamAbortedException>(TaskCreationOptions.RunContinuationsAsynchronously);
        var writeAbort = new TaskCompletionSource<StreamAbortedException>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tokenFired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();

        await using var host = await StreamSpecHost.ListenAsync(Sys, SpecEngine.Ngtcp2(), 100, LingerPolicy.Default, async (stream, token) =>
        {
            var buffer = new byte[64];
            if (stream.StreamId.Value != 0)
            {
                // quic-go's closing echo round trip (so its aborts reach us before its CONNECTION_CLOSE).
                var request = new MemoryStream();
                int r;
                while ((r = await stream.ReadAsync(buffer)) > 0) request.Write(buffer, 0, r);
                await stream.WriteAsync(request.ToArray(), completeWrites: true);
                return;
            }

            token.Register(() => tokenFired.TrySetResult());
            var n = await stream.ReadAsync(buffer);
            Assert.Equal("hello", Encoding.ASCII.GetString(buffer, 0, n));
            await stream.WriteAsync("r"u8.ToArray());
            n = await stream.ReadAsync(buffer);
            sawAfterTimeout.TrySetResult(Encoding.ASCII.GetString(buffer, 0, n));
            try
            {
                // Replied once; now it never finishes on its own.
                await stream.ReadAsync(buffer);
            }
            catch (StreamAbortedException e)
            {
                readAbort.TrySetResult(e);
            }

            // The peer's STOP_SENDING may be processed just after its RESET_STREAM: a write queued in between is
            // accepted, and the next one fails.
            for (var i = 0; i < 100 && !writeAbort.Task.IsCompleted; i++)
            {
                try
                {
                    await stream.WriteAsync("late"u8.ToArray()).WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
                    log.Enqueue($"write ok send={stream.SendState}");
                    await Task.Delay(10, CancellationToken.None);
                }
                catch (StreamAbortedException e)
                {
                    writeAbort.TrySetResult(e);
                }
                catch (Exception e)
                {
                    log.Enqueue($"write {e.GetType().Name} {e.Message} send={stream.SendState}");
                }
            }

        });

        var client = QuicGoClient.RunAsync(host.ListenEndPoint, "abort-after-reply", TimeSpan.FromSeconds(10), "--read-deadline", "500ms", "--code", "9");
        await host.AcceptServerAsync();
        var result = (await client).AssertSucceeded();
        Assert.StartsWith("ok abort-after-reply stream=0 reply=1 timeout-ms=", result, StringComparison.Ordinal);
        Assert.EndsWith(" code=9", result, StringComparison.Ordinal);

        Assert.Equal("again", await sawAfterTimeout.Task.WaitAsync(Wait));
        var onRead = await readAbort.Task.WaitAsync(Wait);
        Assert.Equal(9, onRead.ErrorCode);
        Assert.True(onRead.ByPeer);
        await Task.WhenAny(writeAbort.Task, Task.Delay(3000));
        Assert.True(writeAbort.Task.IsCompleted, string.Join("\n", log));
        var onWrite = await writeAbort.Task.WaitAsync(Wait);
        Assert.Equal(9, onWrite.ErrorCode);
        Assert.True(onWrite.ByPeer);
        await tokenFired.Task.WaitAsync(Wait);

        var deadline = DateTime.UtcNow + Wait;
        var status = await ConnectionActor.GetStatusAsync(host.ServerActor);
        while (status.LiveStreams != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
            status = await ConnectionActor.GetStatusAsync(host.ServerActor);
        }

        // Every stream ended and the ledger balances. quic-go closes right after its closing echo, which can be before it
        // acknowledged our RESET_STREAM or FIN, so how many slots were released before the close varies.
        Assert.Equal(0, status.LiveStreams);
        Assert.Equal(100, status.InboundBidirectionalInUse + status.InboundBidirectionalAvailable);
        Assert.Empty(status.InvariantViolations);
    }
}
