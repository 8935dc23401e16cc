using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// A read issued after the handle already saw the peer's RESET_STREAM still tells the stream actor that the reset was
/// read (RFC 9000 §3.2: Reset Recvd -> Reset Read), so the stream ends without the handle being released. Failing the
/// read in the handle alone left the half in Reset Recvd, and the stream alive, until the handle's release.
/// </summary>
public sealed class ResetReadAfterHandleSawResetSpec(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_read_after_the_handle_saw_the_peers_reset_ends_the_stream()
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
            await Task.Delay(5);
        }

        Assert.Equal(ReceiveState.ResetRecvd, stream.ReceiveState);
        var read = await Assert.ThrowsAsync<StreamAbortedException>(() => stream.ReadAsync(new byte[8]).WaitAsync(Wait));
        Assert.Equal(9, read.ErrorCode);
        Assert.True(read.ByPeer);

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
}
