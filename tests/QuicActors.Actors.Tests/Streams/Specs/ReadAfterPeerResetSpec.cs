using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Streams.Internal;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// Reads after the peer's RESET_STREAM (RFC 9000 §3.2, Reset Recvd): they fail with the peer's code, never wait, and the
/// read that reports the reset moves the half to Reset Read, so the stream ends without waiting for the handle's release.
/// </summary>
public sealed class ReadAfterPeerResetSpec(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A read sent before the handle learned of the reset reaches the half in Reset Recvd. Found by
    /// <c>churn --mode crashing</c>, where about one stream in ten thousand hung on exactly this race.
    /// </summary>
    [Fact]
    public async Task A_read_arriving_in_reset_recvd_fails_with_the_peers_code()
    {
        await using var host = await StartServerThatResetsAsync();
        var stream = await OpenAndAwaitPeerResetAsync(host);

        // The command the handle sends when its own check has not seen the reset yet.
        var completion = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.ClientActor.Tell(new ReadCommand(stream.Stamp, new byte[8], null, completion), ActorRefs.NoSender);

        var ex = await Assert.ThrowsAsync<StreamAbortedException>(() => completion.Task.WaitAsync(Wait));
        Assert.Equal(9, ex.ErrorCode);
        Assert.True(ex.ByPeer);
    }

    /// <summary>
    /// The handle answers a read after it saw the reset itself, and must still tell the stream actor: failing the read in
    /// the handle alone left the half in Reset Recvd, and the stream alive, until the handle's release.
    /// </summary>
    [Fact]
    public async Task A_read_after_the_handle_saw_the_peers_reset_ends_the_stream()
    {
        await using var host = await StartServerThatResetsAsync();
        var stream = await OpenAndAwaitPeerResetAsync(host);

        var read = await Assert.ThrowsAsync<StreamAbortedException>(() => stream.ReadAsync(new byte[8]).WaitAsync(Wait));
        Assert.Equal(9, read.ErrorCode);
        Assert.True(read.ByPeer);

        var deadline = DateTime.UtcNow + Wait;
        ConnectionStatus status;
        do
        {
            await Task.Delay(10);
            status = await ConnectionActor.GetStatusAsync(host.ClientActor);
        }
        while (status.LiveStreams != 0 && DateTime.UtcNow < deadline);
        Assert.Equal(0, status.LiveStreams);
        Assert.Equal(ReceiveState.ResetRead, stream.ReceiveState);
    }

    private Task<StreamSpecHost> StartServerThatResetsAsync() =>
        StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, (stream, _) =>
        {
            stream.Abort(StreamAbortDirection.Both, 9);
            return Task.CompletedTask;
        });

    private static async Task<StreamHandle> OpenAndAwaitPeerResetAsync(StreamSpecHost host)
    {
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync("x"u8.ToArray()).WaitAsync(Wait);
        var deadline = DateTime.UtcNow + Wait;
        while (stream.ReceiveState != ReceiveState.ResetRecvd && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.Equal(ReceiveState.ResetRecvd, stream.ReceiveState);
        return stream;
    }
}
