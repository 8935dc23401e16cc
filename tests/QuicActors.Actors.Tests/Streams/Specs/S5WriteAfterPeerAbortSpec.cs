using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Streams.Internal;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// S5's "the handler sees the abort code on its next write": a write issued just before the peer's STOP_SENDING was
/// processed can arrive after the stream has ended (our RESET_STREAM acknowledged, the reset read). It must fail with the
/// peer's code, not with "the stream has ended". Found with quic-go as the aborting client
/// (<see cref="S5ReadThatMustEndQuicGoClientSpec"/>); here the late write is sent by hand so the race is taken every time.
/// </summary>
public sealed class S5WriteAfterPeerAbortSpec(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_write_arriving_after_the_stream_ended_by_the_peers_abort_fails_with_the_peers_code()
    {
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, (stream, _) =>
        {
            stream.Abort(StreamAbortDirection.Both, 9);
            return Task.CompletedTask;
        });
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync("x"u8.ToArray()).WaitAsync(Wait);
        var read = await Assert.ThrowsAsync<StreamAbortedException>(() => stream.ReadAsync(new byte[8]).WaitAsync(Wait));
        Assert.Equal(9, read.ErrorCode);

        // Virtual time moves on only so far: on a busy machine the loop turns many times before the stream actor's end
        // is processed, and advancing without bound would reach the idle timeout and close the connection.
        var deadline = DateTime.UtcNow + Wait;
        var advanced = TimeSpan.Zero;
        ConnectionStatus status;
        do
        {
            if (advanced < TimeSpan.FromSeconds(5))
            {
                Advance(TimeSpan.FromMilliseconds(100));
                advanced += TimeSpan.FromMilliseconds(100);
            }

            await Task.Delay(10);
            status = await ConnectionActor.GetStatusAsync(host.ClientActor);
        }
        while (status.LiveStreams != 0 && DateTime.UtcNow < deadline);
        Assert.Equal(0, status.LiveStreams);
        Assert.Equal(SendState.ResetRecvd, stream.SendState);

        // The command the handle sent when its own check had not seen the STOP_SENDING yet.
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.ClientActor.Tell(new WriteCommand(stream.Stamp, "late"u8.ToArray(), Fin: false, completion) { Origin = stream }, ActorRefs.NoSender);

        var ex = await Assert.ThrowsAsync<StreamAbortedException>(() => completion.Task.WaitAsync(Wait));
        Assert.Equal(9, ex.ErrorCode);
        Assert.True(ex.ByPeer);
    }
}
