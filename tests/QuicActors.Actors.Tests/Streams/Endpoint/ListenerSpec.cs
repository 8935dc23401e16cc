using System.Text;
using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Endpoint;

/// <summary>The listener actor and the connection facade over the in-memory engine on virtual time.</summary>
public sealed class ListenerSpec(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = EndpointSpecHost.Wait;

    private static async Task EchoAsync(StreamHandle stream, CancellationToken cancellation)
    {
        var buffer = new byte[256];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, n));
        }

        await stream.CompleteWritesAsync();
    }

    private static async Task<string> RoundTripAsync(QuicConnection connection, string text)
    {
        var stream = await connection.OpenStreamAsync().WaitAsync(Wait);
        await using (stream)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(text), completeWrites: true).WaitAsync(Wait);
            var reply = new StringBuilder();
            var buffer = new byte[64];
            int n;
            while ((n = await stream.ReadAsync(buffer).WaitAsync(Wait)) > 0)
            {
                reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            return reply.ToString();
        }
    }

    [Fact]
    public async Task The_listener_accepts_several_connections_and_each_runs_the_user_handler()
    {
        await using var host = new EndpointSpecHost(VirtualTime!);
        var handled = new List<long>();
        var settings = new ListenerSettings
        {
            Connection = new ConnectionActorSettings
            {
                StreamHandler = async (stream, token) =>
                {
                    lock (handled)
                    {
                        handled.Add(stream.Stamp.ConnectionId);
                    }

                    await EchoAsync(stream, token);
                },
            },
        };
        await using var listener = await QuicActorsEndpoint.ListenAsync(Sys, host.ServerEngine, EndpointSpecHost.ListenerOptions(), settings, "listener");
        var connections = new List<QuicConnection>();
        for (var i = 0; i < 3; i++)
        {
            connections.Add(await QuicActorsEndpoint.ConnectAsync(Sys, host.ClientEngine, EndpointSpecHost.ClientOptions(listener)).WaitAsync(Wait));
        }

        try
        {
            Assert.Equal(3, connections.Select(c => c.ConnectionId).Distinct().Count());
            for (var i = 0; i < connections.Count; i++)
            {
                for (var round = 0; round < 2; round++)
                {
                    Assert.Equal($"hello {i}.{round}", await RoundTripAsync(connections[i], $"hello {i}.{round}"));
                }

                Assert.Equal(1, connections[i].Generation);
                Assert.Equal(QuicConnectionRole.Client, connections[i].Role);
            }

            var status = await listener.GetStatusAsync().WaitAsync(Wait);
            Assert.Equal(new ListenerStatus(true, 3, 0, 3), status);
            lock (handled)
            {
                Assert.Equal(6, handled.Count);
                Assert.Equal(3, handled.Distinct().Count());
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }

        Assert.True(await EndpointSpecHost.EventuallyAsync(async () => (await listener.GetStatusAsync()).LiveConnections == 0), "every server connection actor stops when its connection closes");
    }

    [Fact]
    public async Task Connections_over_the_maximum_are_refused_with_the_configured_code()
    {
        await using var host = new EndpointSpecHost(VirtualTime!);
        var settings = new ListenerSettings { MaxConnections = 1, RefusedConnectionErrorCode = 0x77, Connection = new ConnectionActorSettings { StreamHandler = EchoAsync } };
        await using var listener = await QuicActorsEndpoint.ListenAsync(Sys, host.ServerEngine, EndpointSpecHost.ListenerOptions(), settings);
        await using var first = await QuicActorsEndpoint.ConnectAsync(Sys, host.ClientEngine, EndpointSpecHost.ClientOptions(listener)).WaitAsync(Wait);
        Assert.Equal("one", await RoundTripAsync(first, "one"));
        await using var second = await QuicActorsEndpoint.ConnectAsync(Sys, host.ClientEngine, EndpointSpecHost.ClientOptions(listener)).WaitAsync(Wait);
        var closed = await second.Closed.WaitAsync(Wait);
        Assert.Equal(0x77, closed.ErrorCode);
        Assert.True(second.IsClosed || await EndpointSpecHost.EventuallyAsync(() => Task.FromResult(second.IsClosed)));
        var status = await listener.GetStatusAsync().WaitAsync(Wait);
        Assert.Equal(1, status.Accepted);
        Assert.Equal(1, status.Refused);
    }

    [Fact]
    public async Task A_graceful_stop_closes_a_connection_whose_handler_never_returns_when_the_grace_period_ends()
    {
        await using var host = new EndpointSpecHost(VirtualTime!);
        var handlerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new ListenerSettings
        {
            Connection = new ConnectionActorSettings
            {
                StreamHandler = (_, token) =>
                {
                    handlerStarted.TrySetResult();
                    return Task.Delay(Timeout.Infinite, token);
                },
            },
        };
        var listener = await QuicActorsEndpoint.ListenAsync(Sys, host.ServerEngine, EndpointSpecHost.ListenerOptions(), settings);
        await using var client = await QuicActorsEndpoint.ConnectAsync(Sys, host.ClientEngine, EndpointSpecHost.ClientOptions(listener)).WaitAsync(Wait);
        var stream = await client.OpenStreamAsync().WaitAsync(Wait);
        await stream.WriteAsync("stuck"u8.ToArray()).WaitAsync(Wait);
        // The server must have the stream before the stop: a stream it has not seen yet cannot keep its connection open
        // (the stop's first poll would find the connection idle and close it at once).
        await handlerStarted.Task.WaitAsync(Wait);
        Assert.True(await EndpointSpecHost.EventuallyAsync(async () => (await client.GetStatusAsync()).LiveStreams == 1));

        var stopping = listener.StopAsync(TimeSpan.FromSeconds(2));
        Assert.True(await EndpointSpecHost.EventuallyAsync(async () => !(await listener.GetStatusAsync()).Accepting));
        Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(100);
        Assert.False(client.Closed.IsCompleted, "the grace period is not over yet");

        Advance(TimeSpan.FromSeconds(1));
        var closed = await client.Closed.WaitAsync(Wait);
        Assert.Equal(0, closed.ErrorCode);
        Assert.True(await stopping.WaitAsync(Wait));
        await Assert.ThrowsAsync<StaleHandleException>(() => stream.ReadAsync(new byte[8]));
    }

    [Fact]
    public async Task A_graceful_stop_stops_accepting_lets_the_stream_finish_then_closes_the_connection()
    {
        await using var host = new EndpointSpecHost(VirtualTime!);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new ListenerSettings
        {
            Connection = new ConnectionActorSettings
            {
                StreamHandler = async (stream, token) =>
                {
                    await release.Task;
                    await EchoAsync(stream, token);
                },
            },
        };
        var listener = await QuicActorsEndpoint.ListenAsync(Sys, host.ServerEngine, EndpointSpecHost.ListenerOptions(), settings);
        await using var client = await QuicActorsEndpoint.ConnectAsync(Sys, host.ClientEngine, EndpointSpecHost.ClientOptions(listener)).WaitAsync(Wait);
        var roundTrip = RoundTripAsync(client, "in flight");
        Assert.True(await EndpointSpecHost.EventuallyAsync(async () => (await client.GetStatusAsync()).LiveStreams == 1));

        var stopping = listener.StopAsync(TimeSpan.FromSeconds(30));
        Assert.True(await EndpointSpecHost.EventuallyAsync(async () => !(await listener.GetStatusAsync()).Accepting));
        await Assert.ThrowsAsync<QuicTransportException>(() => QuicActorsEndpoint.ConnectAsync(Sys, host.ClientEngine, EndpointSpecHost.ClientOptions(listener) with { HandshakeTimeout = TimeSpan.FromSeconds(1) }).WaitAsync(Wait));
        Assert.False(client.Closed.IsCompleted, "the connection stays open while its stream works");

        release.SetResult();
        Assert.Equal("in flight", await roundTrip.WaitAsync(Wait));
        Assert.True(await EndpointSpecHost.EventuallyAsync(() =>
        {
            Advance(TimeSpan.FromMilliseconds(50));
            return Task.FromResult(client.Closed.IsCompleted);
        }), "the connection closes once its streams are done, before the grace period ends");
        Assert.Equal(0, (await client.Closed).ErrorCode);
        Assert.True(await stopping.WaitAsync(Wait));
    }
}
