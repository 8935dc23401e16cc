using QuicActors.Transport.Events;
using QuicActors.Transport.InMemory;

namespace QuicActors.Transport.Tests.InMemory;

public sealed class FaultPlanTests
{
    private static readonly FaultPlan Jitter = new() { DelayProbability = 0.6, MinDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(30) };

    private static async Task<List<string>> RecordRunAsync(int seed)
    {
        await using var pair = await InMemoryTestPair.CreateAsync(seed, Jitter);
        var streams = new List<QuicStreamId>();
        for (var s = 0; s < 3; s++) streams.Add(await pair.Client.OpenStreamAsync(StreamDirection.Bidirectional));
        for (var round = 0; round < 20; round++)
        {
            for (var s = 0; s < streams.Count; s++)
            {
                await pair.Client.WriteAsync(streams[s], new byte[100 + (37 * round) + s], fin: round == 19);
            }
            pair.Run(TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(1));
        }
        pair.Run(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1));
        return pair.Trace;
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_run()
    {
        var first = await RecordRunAsync(seed: 42);
        var second = await RecordRunAsync(seed: 42);
        Assert.True(first.Count > 60, $"expected a substantial trace, got {first.Count} events");
        Assert.Equal(first, second);

        var other = await RecordRunAsync(seed: 43);
        Assert.NotEqual(first, other); // the seed really drives the wire
    }

    [Fact]
    public async Task Reordering_keeps_each_streams_bytes_in_order()
    {
        var plan = new FaultPlan { DelayProbability = 1.0, MinDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(50) };
        await using var pair = await InMemoryTestPair.CreateAsync(seed: 7, plan);
        var random = new Random(11);
        var written = new Dictionary<QuicStreamId, MemoryStream>();
        for (var s = 0; s < 3; s++) written[await pair.Client.OpenStreamAsync(StreamDirection.Bidirectional)] = new MemoryStream();
        for (var i = 0; i < 100; i++)
        {
            foreach (var (id, sink) in written)
            {
                var chunk = new byte[random.Next(1, 3000)];
                random.NextBytes(chunk);
                sink.Write(chunk);
                await pair.Client.WriteAsync(id, chunk, fin: i == 99);
            }
            pair.Drain(); // asserts offsets are contiguous, event by event
        }
        pair.Run(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(5));

        foreach (var (id, sink) in written) Assert.Equal(sink.ToArray(), pair.ServerBytes(id));
        Assert.True(pair.ServerInternals.SegmentsHeld > 0, "the plan should have made frames overtake each other");
    }

    [Fact]
    public async Task Stop_sending_is_injected_when_the_kth_byte_arrives()
    {
        var stream0 = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, 0);
        var plan = new FaultPlan { Injections = [new FaultInjection(new FaultTrigger.StreamBytesReceived(stream0, 1000), new FaultAction.StopSending(stream0, 5))] };
        await using var pair = await InMemoryTestPair.CreateAsync(plan: plan);
        var id = await pair.Client.OpenStreamAsync(StreamDirection.Bidirectional);
        Assert.Equal(stream0, id);
        var writes = 0;
        var error = await Assert.ThrowsAsync<QuicTransportException>(async () =>
        {
            for (; writes < 40; writes++) await pair.Client.WriteAsync(id, new byte[100], fin: false);
        });
        Assert.Equal(10, writes); // the 10th write carried byte 1000; the 11th finds the stream reset
        Assert.Equal(QuicTransportError.StreamAborted, error.Error);
        Assert.Equal(5, error.ApplicationErrorCode);
        var events = pair.Drain();
        Assert.Contains(events, e => e is PeerStopSending { ApplicationErrorCode: 5 });
        Assert.Contains(events, e => e is PeerResetStream { ApplicationErrorCode: 5, FinalSize: 1000 });
        Assert.Equal(1000, pair.ServerBytes(id).Length);
    }

    [Fact]
    public async Task Reset_stream_is_injected_after_the_nth_frame()
    {
        var stream0 = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, 0);
        // Frames reaching the server: 1 ClientHello, 2 and 3 the client's STREAM frames. After the third it resets its send half.
        var plan = new FaultPlan { Injections = [new FaultInjection(new FaultTrigger.FramesReceived(3), new FaultAction.ResetStream(stream0, 8))] };
        await using var pair = await InMemoryTestPair.CreateAsync(plan: plan);
        var id = await pair.Client.OpenStreamAsync(StreamDirection.Bidirectional);
        await pair.Client.WriteAsync(id, new byte[10], fin: false);
        Assert.DoesNotContain(pair.Drain(), e => e is PeerResetStream);
        await pair.Client.WriteAsync(id, new byte[10], fin: false);
        var reset = Assert.Single(pair.Drain().OfType<PeerResetStream>());
        Assert.Equal((stream0, 8L, 0L), (reset.StreamId, reset.ApplicationErrorCode, reset.FinalSize));
        // Only the server's sending was reset: the client can still send on the stream.
        await pair.Client.WriteAsync(id, new byte[10], fin: true);
        pair.Drain();
        Assert.Equal(30, pair.ServerBytes(id).Length);
    }

    [Fact]
    public async Task A_close_is_injected_at_a_virtual_time()
    {
        var plan = new FaultPlan { Injections = [new FaultInjection(new FaultTrigger.AtTime(TimeSpan.FromSeconds(3)), new FaultAction.Close(99, "injected"))] };
        await using var pair = await InMemoryTestPair.CreateAsync(plan: plan);
        pair.Time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(pair.Client.Closed.IsCompleted);
        pair.Time.Advance(TimeSpan.FromSeconds(0.2));
        var close = await pair.Client.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ConnectionCloseInitiator.Peer, close.Initiator);
        Assert.Equal(99, close.ErrorCode);
        Assert.Equal("injected", close.Reason);
    }

    [Fact]
    public async Task Early_data_rejection_is_injected_for_one_connection()
    {
        var time = new TestKit.VirtualTimeProvider();
        var plan = new FaultPlan { Injections = [new FaultInjection(new FaultTrigger.AtHandshake(), new FaultAction.RejectEarlyData(), Connection: 2)] };
        await using var engine = new InMemoryQuicEngine(new InMemoryEngineOptions { TimeProvider = time, Network = new InMemoryNetwork(), FaultPlan = plan });
        await using var listener = await engine.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
            ApplicationProtocols = ["test"],
            EarlyData = EarlyDataPolicy.Accept,
        });
        var options = new QuicClientOptions { RemoteEndPoint = listener.LocalEndPoint, ApplicationProtocols = ["test"] };
        var first = await engine.ConnectAsync(options);
        QuicResumptionTicket? ticket = null;
        while (first.Events.TryRead(out var e)) ticket ??= (e as ResumptionTicketReceived)?.Ticket;
        Assert.NotNull(ticket);

        var accepted = new List<bool>();
        for (var i = 1; i <= 3; i++)
        {
            var client = await engine.ConnectAsync(options with { ResumptionTicket = ticket, EnableEarlyData = true });
            var id = await client.OpenStreamAsync(StreamDirection.Bidirectional);
            await client.WriteAsync(id, new byte[10], fin: true);
            time.Advance(TimeSpan.FromMilliseconds(5));
            var handshake = (HandshakeCompleted)(await ReadUntilAsync(client, e => e is HandshakeCompleted));
            accepted.Add(handshake.EarlyDataAccepted);
        }
        Assert.Equal([true, false, true], accepted); // connections 1, 2, 3: only number 2 is rejected
    }

    private static async Task<EngineEvent> ReadUntilAsync(IQuicEngineConnection connection, Func<EngineEvent, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var e = await connection.Events.ReadAsync(timeout.Token);
            (e as IDisposable)?.Dispose();
            if (match(e)) return e;
        }
    }
}
