using System.Text;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Endpoint;

/// <summary>Actor-style stream handlers (<see cref="ConnectionActorSettings.StreamHandlerProps"/>) behind a listener.</summary>
public sealed class ActorHandlerSpec(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = EndpointSpecHost.Wait;

    [Fact]
    public async Task An_actor_handler_echoes_and_sees_the_stream_messages_in_order()
    {
        var probe = CreateTestProbe("seen");
        await using var host = new EndpointSpecHost(VirtualTime!);
        var settings = new ListenerSettings { Connection = new ConnectionActorSettings { StreamHandlerProps = Props.Create(() => new EchoHandler(probe.Ref)) } };
        await using var listener = await QuicActorsEndpoint.ListenAsync(Sys, host.ServerEngine, EndpointSpecHost.ListenerOptions(), settings);
        await using var client = await QuicActorsEndpoint.ConnectAsync(Sys, host.ClientEngine, EndpointSpecHost.ClientOptions(listener)).WaitAsync(Wait);

        var stream = await client.OpenStreamAsync().WaitAsync(Wait);
        await stream.WriteAsync("hello "u8.ToArray()).WaitAsync(Wait);
        await stream.WriteAsync("actor"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        var reply = new StringBuilder();
        var buffer = new byte[64];
        int n;
        while ((n = await stream.ReadAsync(buffer).WaitAsync(Wait)) > 0)
        {
            reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        Assert.Equal("hello actor", reply.ToString());
        await stream.DisposeAsync();

        var opened = probe.ExpectMsg<StreamOpened>(Wait);
        Assert.Equal(0, opened.Stamp.StreamId.Value);
        Assert.True(opened.CanRead);
        Assert.True(opened.CanWrite);
        var seen = new List<object>();
        var received = new StringBuilder();
        while (true)
        {
            var message = probe.ReceiveOne(Wait) ?? throw new TimeoutException("the handler never saw StreamClosed");
            seen.Add(message);
            if (message is StreamData data)
            {
                received.Append(Encoding.ASCII.GetString(data.Data.Span));
            }

            if (message is StreamClosed)
            {
                break;
            }
        }

        Assert.Equal("hello actor", received.ToString());
        var endOfData = seen.FindIndex(m => m is StreamEndOfData);
        Assert.True(endOfData > 0, "end of data is reported after the data");
        Assert.True(seen.FindLastIndex(m => m is StreamData) < endOfData);
        var states = seen.OfType<StreamStateChanged>().Select(s => s.Transition).ToList();
        Assert.Contains(states, t => t.Half == StreamHalf.Receive && t.Receive.To == ReceiveState.DataRead);
        Assert.Contains(states, t => t.Half == StreamHalf.Send && t.Send.To == SendState.DataRecvd);
        Assert.IsType<StreamClosed>(seen[^1]);
        probe.ExpectMsg<string>(s => s == "stopped", Wait);

        Assert.True(await EndpointSpecHost.EventuallyAsync(async () => (await client.GetStatusAsync()).LiveStreams == 0));
    }

    [Fact]
    public async Task A_crashing_handler_actor_aborts_its_stream_with_the_configured_code_and_the_slot_comes_back()
    {
        await using var host = new EndpointSpecHost(VirtualTime!);
        var settings = new ListenerSettings
        {
            Connection = new ConnectionActorSettings
            {
                StreamHandlerProps = Props.Create(() => new CrashingHandler()),
                HandlerFailureErrorCode = 0x2A,
                Linger = LingerPolicy.RawMode,
            },
        };
        await using var listener = await QuicActorsEndpoint.ListenAsync(Sys, host.ServerEngine, EndpointSpecHost.ListenerOptions(inboundBidirectionalLimit: 2), settings);
        await using var client = await QuicActorsEndpoint.ConnectAsync(Sys, host.ClientEngine, EndpointSpecHost.ClientOptions(listener)).WaitAsync(Wait);

        // Five streams through a limit of two: only released slots let the later ones open.
        for (var i = 0; i < 5; i++)
        {
            await using var stream = await client.OpenStreamAsync(timeout: TimeSpan.FromSeconds(5)).WaitAsync(Wait);
            await stream.WriteAsync(new byte[8]).WaitAsync(Wait);
            var aborted = await Assert.ThrowsAsync<StreamAbortedException>(() => stream.ReadAsync(new byte[8]).WaitAsync(Wait));
            Assert.Equal(0x2A, aborted.ErrorCode);
            Assert.True(aborted.ByPeer);
        }

        Assert.True(await EndpointSpecHost.EventuallyAsync(async () => (await client.GetStatusAsync()).LiveStreams == 0));
    }

    [Fact]
    public async Task A_handler_actor_can_abort_its_stream_with_its_own_code()
    {
        await using var host = new EndpointSpecHost(VirtualTime!);
        var settings = new ListenerSettings { Connection = new ConnectionActorSettings { StreamHandlerProps = Props.Create(() => new AbortingHandler()) } };
        await using var listener = await QuicActorsEndpoint.ListenAsync(Sys, host.ServerEngine, EndpointSpecHost.ListenerOptions(), settings);
        await using var client = await QuicActorsEndpoint.ConnectAsync(Sys, host.ClientEngine, EndpointSpecHost.ClientOptions(listener)).WaitAsync(Wait);
        await using var stream = await client.OpenStreamAsync().WaitAsync(Wait);
        await stream.WriteAsync("x"u8.ToArray()).WaitAsync(Wait);
        var aborted = await Assert.ThrowsAsync<StreamAbortedException>(() => stream.ReadAsync(new byte[8]).WaitAsync(Wait));
        Assert.Equal(0x99, aborted.ErrorCode);
    }

    [Fact]
    public async Task On_the_peers_unidirectional_stream_the_handler_reads_and_a_write_is_answered_with_a_failure()
    {
        var probe = CreateTestProbe("uni");
        await using var host = new EndpointSpecHost(VirtualTime!);
        var settings = new ListenerSettings { Connection = new ConnectionActorSettings { StreamHandlerProps = Props.Create(() => new EchoHandler(probe.Ref)) } };
        await using var listener = await QuicActorsEndpoint.ListenAsync(Sys, host.ServerEngine, EndpointSpecHost.ListenerOptions(), settings);
        await using var client = await QuicActorsEndpoint.ConnectAsync(Sys, host.ClientEngine, EndpointSpecHost.ClientOptions(listener)).WaitAsync(Wait);
        await using var stream = await client.OpenStreamAsync(StreamDirection.Unidirectional).WaitAsync(Wait);
        await stream.WriteAsync("one way"u8.ToArray()).WaitAsync(Wait);

        // Without the FIN the stream cannot end, so the answer to the handler's write arrives while it is open.
        var opened = probe.ExpectMsg<StreamOpened>(Wait);
        Assert.Equal((true, false), (opened.CanRead, opened.CanWrite));
        var text = new StringBuilder();
        StreamWriteFailed? failed = null;
        while (failed is null || text.Length < "one way".Length)
        {
            switch (probe.ReceiveOne(Wait))
            {
                case StreamData data:
                    text.Append(Encoding.ASCII.GetString(data.Data.Span));
                    break;
                case StreamWriteFailed f:
                    failed = f;
                    break;
                case null:
                    Assert.Fail($"timed out with \"{text}\" read and {(failed is null ? "no" : "a")} write failure");
                    break;
            }
        }

        Assert.Equal("one way", text.ToString());
        Assert.IsType<StreamWrite>(failed.Write);
        Assert.IsType<InvalidOperationException>(failed.Reason);

        await stream.CompleteWritesAsync().WaitAsync(Wait);
        probe.FishForMessage(m => m is StreamEndOfData, Wait);
        probe.FishForMessage(m => m is StreamClosed, Wait);
    }

    [Fact]
    public async Task A_slow_handler_actor_holds_the_peer_back_by_flow_control_and_then_gets_every_byte_in_order()
    {
        var probe = CreateTestProbe("slow");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = new EndpointSpecHost(VirtualTime!);
        var settings = new ListenerSettings
        {
            Connection = new ConnectionActorSettings { StreamHandlerProps = SlowHandlerScenario.HandlerProps(gate.Task, probe.Ref), HandlerReadAheadBytes = SlowHandlerScenario.ReadAhead },
        };
        await using var listener = await QuicActorsEndpoint.ListenAsync(Sys, host.ServerEngine, EndpointSpecHost.ListenerOptions(), settings);
        await using var client = await QuicActorsEndpoint.ConnectAsync(Sys, host.ClientEngine, EndpointSpecHost.ClientOptions(listener)).WaitAsync(Wait);
        await SlowHandlerScenario.RunAsync(client, probe, gate, new QuicTransportParameters(), Wait);
    }

    [Fact]
    public void A_read_ahead_below_one_byte_is_refused_with_its_value()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionActorSettings { HandlerReadAheadBytes = 0 });
        Assert.Equal("HandlerReadAheadBytes", e.ParamName);
        Assert.Equal(0L, e.ActualValue);
    }

    private sealed class EchoHandler : ReceiveActor
    {
        private readonly IActorRef _probe;

        public EchoHandler(IActorRef probe)
        {
            _probe = probe;
            Receive<StreamOpened>(m => _probe.Tell(m, Self));
            Receive<StreamData>(m =>
            {
                _probe.Tell(m, Self);
                Sender.Tell(new StreamWrite(m.Data), Self);
            });
            Receive<StreamEndOfData>(m =>
            {
                _probe.Tell(m, Self);
                Sender.Tell(StreamCompleteWrites.Instance, Self);
            });
            ReceiveAny(m => _probe.Tell(m, Self));
        }

        protected override void PostStop() => _probe.Tell("stopped", Self);
    }

    private sealed class CrashingHandler : ReceiveActor
    {
        public CrashingHandler()
        {
            Receive<StreamData>(_ => throw new InvalidOperationException("handler actor bug"));
            ReceiveAny(_ => { });
        }
    }

    private sealed class AbortingHandler : ReceiveActor
    {
        public AbortingHandler()
        {
            Receive<StreamData>(_ => Sender.Tell(new StreamAbort(StreamAbortDirection.Both, 0x99), Self));
            ReceiveAny(_ => { });
        }
    }
}
