using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// Read-ahead: data that arrived before the application reads is handed to the handle, and the read copies it at once;
/// bytes stay in order, their flow-control credit still goes back to the peer (RFC 9000 §4.1), and an abort or a drain
/// takes a chunk the handle holds back.
/// </summary>
public sealed class ReadAheadSpec(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Data_that_arrived_before_the_read_is_read_at_once_and_so_is_the_end_of_the_stream()
    {
        var outcome = new TaskCompletionSource<(bool DataAtOnce, int Count, bool EndAtOnce, int End)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, async (stream, _) =>
        {
            await AwaitStateAsync(() => stream.ReceiveState == ReceiveState.DataRecvd);
            var buffer = new byte[64];
            var data = stream.ReadAsync(buffer);
            var dataAtOnce = data.IsCompletedSuccessfully;
            var count = await data;
            var end = stream.ReadAsync(buffer);
            outcome.TrySetResult((dataAtOnce, count, end.IsCompletedSuccessfully, await end));
            await stream.WriteAsync(buffer.AsMemory(0, count), completeWrites: true);
        });
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }, completeWrites: true).WaitAsync(Wait);

        Assert.Equal((true, 5, true, 0), await outcome.Task.WaitAsync(Wait));
        var echo = new byte[16];
        Assert.Equal(5, await stream.ReadAsync(echo).WaitAsync(Wait));
        Assert.Equal(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }, echo[..5]);
        await stream.DisposeAsync();
        await AwaitNoLiveStreamsAsync(host);
    }

    [Fact]
    public async Task More_than_the_receive_window_flows_through_small_reads_in_order()
    {
        const int Total = 1024 * 1024; // four times the stream receive window: stalls unless every read gives its credit back
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, async (stream, _) =>
        {
            var all = new byte[Total];
            var length = 0;
            var buffer = new byte[1000];
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                buffer.AsSpan(0, n).CopyTo(all.AsSpan(length));
                length += n;
            }

            received.TrySetResult(all[..length]);
        });
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        var sent = Enumerable.Range(0, Total).Select(i => (byte)(i * 7 + (i >> 8))).ToArray();
        for (var offset = 0; offset < Total; offset += 3000)
        {
            await stream.WriteAsync(sent.AsMemory(offset, Math.Min(3000, Total - offset))).WaitAsync(Wait);
        }

        await stream.CompleteWritesAsync().WaitAsync(Wait);
        var got = await received.Task.WaitAsync(Wait);
        Assert.True(sent.AsSpan().SequenceEqual(got), "the bytes read differ from the bytes written");
    }

    [Fact]
    public async Task Aborting_the_read_takes_back_the_chunk_the_handle_holds()
    {
        var aborted = new TaskCompletionSource<StreamAbortedException>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, async (stream, _) =>
        {
            await AwaitStateAsync(() => stream.ReceiveState == ReceiveState.DataRecvd);
            stream.Abort(StreamAbortDirection.Read, 5);
            aborted.TrySetResult(await Assert.ThrowsAsync<StreamAbortedException>(() => stream.ReadAsync(new byte[8])));
            await stream.CompleteWritesAsync();
        });
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync(new byte[100], completeWrites: true).WaitAsync(Wait);

        var ex = await aborted.Task.WaitAsync(Wait);
        Assert.Equal(5, ex.ErrorCode);
        Assert.False(ex.ByPeer);
        Assert.Equal(0, await stream.ReadAsync(new byte[8]).WaitAsync(Wait));
        await stream.DisposeAsync();
        await AwaitNoLiveStreamsAsync(host);
    }

    [Fact]
    public async Task An_empty_read_leaves_the_held_bytes_for_the_next_read()
    {
        var reads = new TaskCompletionSource<(int Empty, int Data, int End)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StreamSpecHost.StartAsync(Sys, VirtualTime!, 10, LingerPolicy.Default, async (stream, _) =>
        {
            await AwaitStateAsync(() => stream.ReceiveState == ReceiveState.DataRecvd);
            var empty = await stream.ReadAsync(Memory<byte>.Empty);
            var buffer = new byte[16];
            var data = await stream.ReadAsync(buffer);
            reads.TrySetResult((empty, data, await stream.ReadAsync(buffer)));
        });
        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync(new byte[3], completeWrites: true).WaitAsync(Wait);

        Assert.Equal((0, 3, 0), await reads.Task.WaitAsync(Wait));
    }

    private static async Task AwaitStateAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.True(condition());
    }

    private async Task AwaitNoLiveStreamsAsync(StreamSpecHost host)
    {
        var deadline = DateTime.UtcNow + Wait;
        ConnectionStatus client, server;
        do
        {
            Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(10);
            client = await ConnectionActor.GetStatusAsync(host.ClientActor);
            server = await ConnectionActor.GetStatusAsync(host.ServerActor);
        }
        while ((client.LiveStreams != 0 || server.LiveStreams != 0) && DateTime.UtcNow < deadline);
        Assert.Equal((0, 0), (client.LiveStreams, server.LiveStreams));
        Assert.Empty(client.InvariantViolations);
        Assert.Empty(server.InvariantViolations);
    }
}
