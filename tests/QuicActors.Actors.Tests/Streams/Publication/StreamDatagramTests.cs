using QuicActors.Streams;
using QuicActors.Streams.Internal;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Publication;

/// <summary>The handle's datagram API and the Quarter Stream ID prefix (RFC 9297 §2.1) on the in-memory engine.</summary>
public sealed class StreamDatagramTests(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(0L, 1)]
    [InlineData(63L * 4, 1)]
    [InlineData(64L * 4, 2)]
    [InlineData(16383L * 4, 2)]
    [InlineData(16384L * 4, 4)]
    [InlineData(((1L << 30) - 1) * 4, 4)]
    [InlineData((1L << 30) * 4, 8)]
    [InlineData(QuicStreamId.MaxValue - 3, 8)]
    public void Quarter_stream_id_prefix_round_trips_as_a_varint(long streamIdValue, int expectedLength)
    {
        var streamId = new QuicStreamId(streamIdValue);
        Span<byte> buffer = stackalloc byte[QuarterStreamId.MaxLength + 1];
        Assert.Equal(expectedLength, QuarterStreamId.EncodedLength(streamId));
        Assert.Equal(expectedLength, QuarterStreamId.Write(buffer, streamId));
        Assert.True(QuarterStreamId.TryRead(buffer, out var read, out var length));
        Assert.Equal((streamId, expectedLength), (read, length));
        Assert.False(QuarterStreamId.TryRead(buffer[..(expectedLength - 1)], out _, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_datagram_queue_capacity_below_1_is_refused_naming_the_setting(int capacity)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionActorSettings { DatagramQueueCapacity = capacity });
        Assert.Equal(nameof(ConnectionActorSettings.DatagramQueueCapacity), error.ParamName);
        Assert.Equal(capacity, error.ActualValue);
    }

    [Fact]
    public void Only_client_initiated_bidirectional_streams_carry_datagrams()
    {
        Assert.True(QuarterStreamId.CanCarryDatagrams(QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, 3)));
        Assert.False(QuarterStreamId.CanCarryDatagrams(QuicStreamId.Create(QuicConnectionRole.Server, StreamDirection.Bidirectional, 3)));
        Assert.False(QuarterStreamId.CanCarryDatagrams(QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Unidirectional, 3)));
    }

    /// <summary>Both ends with datagram flows; the client opens a stream and the server's handler holds it until <paramref name="release"/>.</summary>
    private async Task<(PublicationHost Host, StreamHandle Client, StreamHandle Server)> StartWithHeldStreamAsync(Task release)
    {
        var serverHandle = new TaskCompletionSource<StreamHandle>(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings
            {
                DatagramFlows = true,
                StreamHandler = async (stream, _) =>
                {
                    serverHandle.SetResult(stream);
                    await release;
                },
            },
            new ConnectionActorSettings { DatagramFlows = true });
        var client = await host.OpenAsync();
        await client.WriteAsync("open"u8.ToArray()).WaitAsync(Wait);
        return (host, client, await serverHandle.Task.WaitAsync(Wait));
    }

    [Fact]
    public async Task Datagrams_flow_both_ways_a_too_small_buffer_leaves_the_datagram_queued_and_a_local_stop_sending_ends_reading()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, client, server) = await StartWithHeldStreamAsync(release.Task);
        await using var hostScope = host;
        Assert.True(await client.SendDatagramAsync("hello datagram"u8.ToArray()).WaitAsync(Wait));
        Assert.True(await client.SendDatagramAsync(ReadOnlyMemory<byte>.Empty).WaitAsync(Wait));

        var small = new byte[4];
        var tooSmall = await Assert.ThrowsAsync<ArgumentException>(() => server.ReadDatagramAsync(small).AsTask().WaitAsync(Wait));
        Assert.Contains("holds 14 bytes", tooSmall.Message, StringComparison.Ordinal);
        var buffer = new byte[64];
        Assert.Equal(14, await server.ReadDatagramAsync(buffer).AsTask().WaitAsync(Wait));
        Assert.Equal("hello datagram"u8.ToArray(), buffer[..14]);
        Assert.Equal(0, await server.ReadDatagramAsync(buffer).AsTask().WaitAsync(Wait));

        Assert.True(await server.SendDatagramAsync("back"u8.ToArray()).WaitAsync(Wait));
        Assert.Equal(4, await client.ReadDatagramAsync(buffer).AsTask().WaitAsync(Wait));

        // One queued, then reading is aborted: the queued one is still readable, then the flow's receive side has ended.
        Assert.True(await client.SendDatagramAsync("queued"u8.ToArray()).WaitAsync(Wait));
        await PublicationHost.AwaitDatagramsAsync(host.ServerActor, s => s.Delivered == 3);
        server.Abort(StreamAbortDirection.Read, 3);
        Assert.Equal(6, await server.ReadDatagramAsync(buffer).AsTask().WaitAsync(Wait));
        Assert.Equal(-1, await server.ReadDatagramAsync(buffer).AsTask().WaitAsync(Wait));
        release.SetResult();
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_connection_closing_with_flows_open_removes_each_flow_once_on_both_sides()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, client, _) = await StartWithHeldStreamAsync(release.Task);
        await using var hostScope = host;
        Assert.True(await client.SendDatagramAsync("flow"u8.ToArray()).WaitAsync(Wait));
        await PublicationHost.AwaitDatagramsAsync(host.ServerActor, s => s.Delivered == 1 && s.ActiveFlows == 1);

        // Both halves are still open on both sides; the close ends them all, and the flows go with it, once each.
        await host.ClientConnection.CloseAsync(0, "done");
        var clientFlows = await PublicationHost.AwaitDatagramsAsync(host.ClientActor, s => s.ActiveFlows == 0);
        var serverFlows = await PublicationHost.AwaitDatagramsAsync(host.ServerActor, s => s.ActiveFlows == 0);
        Assert.Equal((1L, 1L), (clientFlows.FlowsBound, clientFlows.FlowsRemoved));
        Assert.Equal((1L, 1L), (serverFlows.FlowsBound, serverFlows.FlowsRemoved));
        release.SetResult();
    }

    [Fact]
    public async Task A_datagram_that_overtakes_its_streams_first_frame_is_held_and_delivered_when_the_stream_opens()
    {
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings
            {
                DatagramFlows = true,
                StreamHandler = async (stream, token) =>
                {
                    var buffer = new byte[16];
                    var length = await stream.ReadDatagramAsync(buffer, token);
                    received.SetResult(buffer[..length]);
                },
            },
            new ConnectionActorSettings { DatagramFlows = true });

        // Client stream 4 (quarter ID 1) does not exist yet at either end.
        Assert.True(host.ClientConnection.SendDatagram([0x01, 42]));
        await PublicationHost.AwaitDatagramsAsync(host.ServerActor, s => s.HeldForUnopenedStreams == 1);
        var first = await host.OpenAsync();
        var second = await host.OpenAsync();
        Assert.Equal(4, second.StreamId.Value);
        await first.WriteAsync("a"u8.ToArray()).WaitAsync(Wait);
        await second.WriteAsync("b"u8.ToArray()).WaitAsync(Wait);
        Assert.Equal([42], await received.Task.WaitAsync(Wait));
        var status = await ConnectionActor.GetDatagramStatusAsync(host.ServerActor).WaitAsync(Wait);
        Assert.Equal((1L, 0L, 0), (status.Delivered, status.DroppedNoFlow, status.HeldForUnopenedStreams));
        await first.DisposeAsync();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task Datagrams_held_for_unopened_streams_are_bounded_and_the_oldest_are_dropped_and_counted()
    {
        await using var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings { DatagramFlows = true, DatagramQueueCapacity = 2 },
            new ConnectionActorSettings { DatagramFlows = true });
        for (byte quarter = 10; quarter < 13; quarter++)
        {
            Assert.True(host.ClientConnection.SendDatagram([quarter]));
        }

        var status = await PublicationHost.AwaitDatagramsAsync(host.ServerActor, s => s.HeldForUnopenedStreams == 2 && s.DroppedNoFlow == 1);
        Assert.Equal(0, status.Delivered);
    }

    [Fact]
    public async Task Without_datagram_flows_sends_are_refused_reads_are_invalid_and_received_datagrams_are_dropped()
    {
        var serverHandle = new TaskCompletionSource<StreamHandle>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings
            {
                StreamHandler = async (stream, _) =>
                {
                    serverHandle.SetResult(stream);
                    await release.Task;
                },
            },
            new ConnectionActorSettings());
        var client = await host.OpenAsync();
        Assert.False(client.HasDatagramFlow);
        var refused = await Assert.ThrowsAsync<StreamDatagramRefusedException>(() => client.SendDatagramAsync("x"u8.ToArray()).WaitAsync(Wait));
        Assert.Equal(DatagramSendVerdict.NoFlow, refused.Verdict);
        var invalid = Assert.Throws<InvalidOperationException>(() => { _ = client.ReadDatagramAsync(new byte[8]).AsTask(); });
        Assert.Contains("DatagramFlows", invalid.Message, StringComparison.Ordinal);

        await client.WriteAsync("open"u8.ToArray()).WaitAsync(Wait);
        await serverHandle.Task.WaitAsync(Wait);
        Assert.True(host.ClientConnection.SendDatagram([0x00, 1, 2]));
        Assert.True(host.ClientConnection.SendDatagram([0x40]));
        var status = await PublicationHost.AwaitDatagramsAsync(host.ServerActor, s => s.DroppedNoFlow == 1 && s.DroppedMalformed == 1);
        Assert.Equal(0, status.Delivered);
        release.SetResult();
        await client.DisposeAsync();
    }

    [Fact]
    public async Task A_datagram_larger_than_the_peer_accepts_fails_with_the_engines_error_and_counts_as_refused()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings { DatagramFlows = true, StreamHandler = (_, _) => release.Task },
            new ConnectionActorSettings { DatagramFlows = true });
        var client = await host.OpenAsync();
        var error = await Assert.ThrowsAsync<QuicTransportException>(() => client.SendDatagramAsync(new byte[PublicationHost.MaxDatagramFrameSize]).WaitAsync(Wait));
        Assert.Equal(QuicTransportError.DatagramRejected, error.Error);
        var status = await ConnectionActor.GetDatagramStatusAsync(host.ClientActor).WaitAsync(Wait);
        Assert.Equal((0L, 1L), (status.Sent, status.Refused));
        release.SetResult();
        await client.DisposeAsync();
    }
}
