using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Streams.Internal;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// A read that reaches the receive half after the peer's RESET_STREAM (RFC 9000 §3.2, Reset Recvd) but was sent before
/// the handle learned of the reset must fail with the peer's code, not wait forever. Found by <c>churn --mode crashing</c>,
/// where about one stream in ten thousand hung on exactly this race.
/// </summary>
public sealed class ReadAfterPeerResetSpec(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_read_arriving_in_reset_recvd_fails_with_the_peers_code()
    {
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, (stream, _) =>
        {
            stream.Abort(StreamAbortDirection.Both, 9);
            return Task.CompletedTask;
        });
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync("x"u8.ToArray()).WaitAsync(Wait);
        var deadline = DateTime.UtcNow + Wait;
        while (stream.ReceiveState != ReceiveState.ResetRecvd && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(ReceiveState.ResetRecvd, stream.ReceiveState);

        // The command the handle sends when its own check has not seen the reset yet.
        var completion = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.ClientActor.Tell(new ReadCommand(stream.Stamp, new byte[8], null, completion), ActorRefs.NoSender);

        var ex = await Assert.ThrowsAsync<StreamAbortedException>(() => completion.Task.WaitAsync(Wait));
        Assert.Equal(9, ex.ErrorCode);
        Assert.True(ex.ByPeer);
    }
}
