using System.Collections.Concurrent;
using QuicActors.Kernel;
using QuicActors.Streams;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Publication;

/// <summary>
/// Invariant 3, the publishing half: each transition reaches the handle's observers, an actor subscribed to the handle,
/// an actor subscribed to the connection, a connection-wide observer, the settings' callback, the transitions counter
/// and the log, once each and in the same order.
/// </summary>
public sealed class TransitionPublicationTests(ITestOutputHelper output) : QuicActors.TestKit.TestKit(output, useVirtualTime: true)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Every_transition_reaches_every_subscriber_the_metrics_and_the_log_exactly_once()
    {
        var callback = new ConcurrentQueue<StreamTransition>();
        var connectionObserved = new ConcurrentQueue<StreamTransition>();
        var handleObserved = new ConcurrentQueue<StreamTransition>();
        using var clientMetrics = new QuicActorsMetrics();
        using var recorder = new MetricRecorder(clientMetrics);
        var log = new LogCollector();
        await using var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings { StreamHandler = EchoToEofAsync },
            new ConnectionActorSettings { OnTransition = callback.Enqueue, Metrics = clientMetrics, Logger = log.Logger });

        var connectionProbe = CreateTestProbe("connection-subscriber");
        var handleProbe = CreateTestProbe("handle-subscriber");
        host.ClientActor.Tell(new SubscribeTransitions(connectionProbe.Ref), ActorRefs.NoSender);
        using var connectionSubscription = ConnectionActor.ObserveTransitions(host.ClientActor).Subscribe(new Collect(connectionObserved));

        var stream = await host.OpenAsync();
        using var handleSubscription = stream.Transitions.Subscribe(new Collect(handleObserved));
        using var actorSubscription = stream.SubscribeTransitions(handleProbe.Ref);
        await stream.WriteAsync("ping"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        var buffer = new byte[16];
        while (await stream.ReadAsync(buffer).WaitAsync(Wait) > 0)
        {
        }

        await stream.DisposeAsync();
        await PublicationHost.AwaitStatusAsync(host.ClientActor, s => s.LiveStreams == 0);

        // The six RFC 9000 §3 transitions of a client stream that writes with FIN and reads to EOF, per half in order.
        var expectedSend = new[] { (SendState.Ready, SendState.Send), (SendState.Send, SendState.DataSent), (SendState.DataSent, SendState.DataRecvd) };
        var expectedReceive = new[] { (ReceiveState.Recv, ReceiveState.SizeKnown), (ReceiveState.SizeKnown, ReceiveState.DataRecvd), (ReceiveState.DataRecvd, ReceiveState.DataRead) };
        var made = handleObserved.ToArray();
        Assert.Equal(expectedSend, made.Where(t => t.Half == StreamHalf.Send).Select(t => (t.Send.From, t.Send.To)));
        Assert.Equal(expectedReceive, made.Where(t => t.Half == StreamHalf.Receive).Select(t => (t.Receive.From, t.Receive.To)));

        Assert.Equal(made, handleProbe.ReceiveN(made.Length, Wait).Cast<StreamTransition>());
        Assert.Equal(made, connectionProbe.ReceiveN(made.Length, Wait).Cast<StreamTransition>());
        handleProbe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        connectionProbe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(made, callback);
        Assert.Equal(made, connectionObserved);

        Assert.Equal(made.Length, recorder.Sum("quicactors.streams.transitions"));
        Assert.Equal(1, recorder.Sum("quicactors.streams.transitions", ("quicactors.stream.half", "send"), ("quicactors.stream.state", "data-recvd"), ("quicactors.transition.cause", "acknowledged")));
        Assert.Equal(1, recorder.Sum("quicactors.streams.transitions", ("quicactors.stream.half", "receive"), ("quicactors.stream.state", "data-read"), ("quicactors.transition.cause", "eof-read")));

        var logged = log.Events.Where(e => LogCollector.Property(e, "State") is not null).ToArray();
        Assert.Equal(made.Length, logged.Length);
        for (var i = 0; i < made.Length; i++)
        {
            var (transition, logEvent) = (made[i], logged[i]);
            Assert.Equal(2L, LogCollector.Property(logEvent, "ConnectionId"));
            Assert.Equal(transition.Stamp.Generation, LogCollector.Property(logEvent, "Generation"));
            Assert.Equal(transition.Stamp.StreamId.Value, LogCollector.Property(logEvent, "StreamId"));
            Assert.Equal(transition.Half.ToString(), LogCollector.Property(logEvent, "Half")?.ToString());
            Assert.Equal(transition.Half == StreamHalf.Send ? transition.Send.To.ToString() : transition.Receive.To.ToString(), LogCollector.Property(logEvent, "State"));
            Assert.Equal(transition.Cause.ToString(), LogCollector.Property(logEvent, "Cause")?.ToString());
        }
    }

    [Fact]
    public async Task An_unsubscribed_or_stopped_subscriber_gets_nothing_more()
    {
        await using var host = await PublicationHost.StartAsync(Sys, VirtualTime!, new ConnectionActorSettings { StreamHandler = EchoToEofAsync }, new ConnectionActorSettings());
        var leaving = CreateTestProbe("leaving");
        var staying = CreateTestProbe("staying");
        host.ClientActor.Tell(new SubscribeTransitions(leaving.Ref), ActorRefs.NoSender);
        host.ClientActor.Tell(new SubscribeTransitions(staying.Ref), ActorRefs.NoSender);
        host.ClientActor.Tell(new SubscribeTransitions(staying.Ref), ActorRefs.NoSender);

        await RunOneStreamAsync(host);
        var first = staying.ReceiveN(6, Wait);
        Assert.Equal(first, leaving.ReceiveN(6, Wait));
        staying.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        host.ClientActor.Tell(new UnsubscribeTransitions(leaving.Ref), ActorRefs.NoSender);
        await RunOneStreamAsync(host);
        Assert.Equal(6, staying.ReceiveN(6, Wait).Count);
        leaving.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_throwing_callback_is_logged_and_publication_goes_on()
    {
        var calls = 0;
        await using var host = await PublicationHost.StartAsync(
            Sys,
            VirtualTime!,
            new ConnectionActorSettings { StreamHandler = EchoToEofAsync },
            new ConnectionActorSettings { OnTransition = _ => { Interlocked.Increment(ref calls); throw new InvalidOperationException("callback boom"); } });
        var probe = CreateTestProbe();
        host.ClientActor.Tell(new SubscribeTransitions(probe.Ref), ActorRefs.NoSender);
        await RunOneStreamAsync(host);
        Assert.Equal(6, probe.ReceiveN(6, Wait).Count);
        Assert.Equal(6, Volatile.Read(ref calls));
    }

    private static async Task RunOneStreamAsync(PublicationHost host)
    {
        await using var stream = await host.OpenAsync();
        await stream.WriteAsync("ping"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        var buffer = new byte[16];
        while (await stream.ReadAsync(buffer).WaitAsync(Wait) > 0)
        {
        }
    }

    internal static async Task EchoToEofAsync(StreamHandle stream, CancellationToken token)
    {
        var buffer = new byte[64];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, n));
        }

        await stream.CompleteWritesAsync();
    }

    private sealed class Collect(ConcurrentQueue<StreamTransition> into) : IObserver<StreamTransition>
    {
        public void OnNext(StreamTransition value) => into.Enqueue(value);

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
