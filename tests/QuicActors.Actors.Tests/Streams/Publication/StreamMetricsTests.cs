using QuicActors.Streams;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Publication;

/// <summary>
/// The instruments of <see cref="QuicActorsMetrics"/>, read with a <see cref="System.Diagnostics.Metrics.MeterListener"/>
/// that listens to one private instance per side, so other tests running in parallel do not count.
/// </summary>
public sealed class StreamMetricsTests(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private const int Limit = 10;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Active_streams_lifetime_reclaimed_slots_and_credit_follow_a_stream_on_the_virtual_clock()
    {
        var handling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var serverMetrics = new QuicActorsMetrics();
        using var server = new MetricRecorder(serverMetrics);
        await using var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings
            {
                Metrics = serverMetrics,
                StreamHandler = async (stream, _) =>
                {
                    handling.SetResult();
                    await finish.Task;
                    await TransitionPublicationTests.EchoToEofAsync(stream, CancellationToken.None);
                },
            },
            new ConnectionActorSettings(),
            inboundBidirectionalLimit: Limit);

        var stream = await host.OpenAsync();
        await stream.WriteAsync("ping"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        await handling.Task.WaitAsync(Wait);
        Assert.Equal(1, server.Sum("quicactors.streams.active", ("quicactors.stream.initiator", "peer"), ("quicactors.stream.direction", "bidirectional")));
        Assert.Equal(Limit - 1, InboundBidirectionalCredit(server));

        Advance(TimeSpan.FromSeconds(2));
        finish.SetResult();
        var buffer = new byte[16];
        while (await stream.ReadAsync(buffer).WaitAsync(Wait) > 0)
        {
        }

        await stream.DisposeAsync();
        await PublicationHost.AwaitStatusAsync(host.ServerActor, s => s.LiveStreams == 0 && s.InboundBidirectionalReleased == 1);
        Assert.Equal(0, server.Sum("quicactors.streams.active"));
        Assert.Equal([1.0, -1.0], server.Of("quicactors.streams.active").Select(m => m.Value));
        var lifetime = Assert.Single(server.Of("quicactors.streams.lifetime"));
        Assert.Equal(2.0, lifetime.Value, precision: 3);
        Assert.Equal(1, server.Sum("quicactors.streams.slots.reclaimed", ("quicactors.stream.direction", "bidirectional")));
        Assert.Equal(Limit, InboundBidirectionalCredit(server));
        Assert.Equal(0, server.Sum("quicactors.streams.leaks.reclaimed"));
    }

    [Fact]
    public async Task A_handler_that_returns_without_finishing_is_counted_as_reclaimed_by_the_linger_policy()
    {
        using var serverMetrics = new QuicActorsMetrics();
        using var server = new MetricRecorder(serverMetrics);
        await using var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings { Metrics = serverMetrics, StreamHandler = (_, _) => Task.CompletedTask },
            new ConnectionActorSettings());

        await using (var stream = await host.OpenAsync())
        {
            await stream.WriteAsync("unread"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
            var buffer = new byte[16];
            while (await stream.ReadAsync(buffer).WaitAsync(Wait) > 0)
            {
            }
        }

        await PublicationHost.AwaitStatusAsync(host.ServerActor, s => s.LiveStreams == 0 && s.InboundBidirectionalReleased == 1);
        Assert.Equal(1, server.Sum("quicactors.streams.leaks.reclaimed"));
        Assert.Equal(1, server.Sum("quicactors.streams.linger.actions", ("quicactors.linger.action", "fin")));
        Assert.Equal(1, server.Sum("quicactors.streams.linger.actions", ("quicactors.linger.action", "drain")));
    }

    [Fact]
    public async Task A_stream_alive_past_the_leak_deadline_is_counted_as_reported()
    {
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var serverMetrics = new QuicActorsMetrics();
        using var server = new MetricRecorder(serverMetrics);
        await using var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings
            {
                Metrics = serverMetrics,
                LeakDeadline = TimeSpan.FromSeconds(1),
                StreamHandler = async (_, _) =>
                {
                    handling.SetResult();
                    await finish.Task;
                },
            },
            new ConnectionActorSettings());

        var stream = await host.OpenAsync();
        await stream.WriteAsync("x"u8.ToArray()).WaitAsync(Wait);
        await handling.Task.WaitAsync(Wait);
        Assert.Equal(0, server.Sum("quicactors.streams.leaks.reported"));
        Advance(TimeSpan.FromSeconds(1));
        AwaitCondition(() => server.Sum("quicactors.streams.leaks.reported") == 1, Wait);
        finish.SetResult();
        await stream.DisposeAsync();
    }

    private static double InboundBidirectionalCredit(MetricRecorder recorder)
    {
        var before = recorder.Of("quicactors.streams.credit.available").Count;
        recorder.Collect();
        return recorder.Of("quicactors.streams.credit.available").Skip(before)
            .Single(m => m.Tag("quicactors.credit.side") == "inbound" && m.Tag("quicactors.stream.direction") == "bidirectional").Value;
    }
}
