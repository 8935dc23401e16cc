using System.Diagnostics;
using System.Net;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using QuicActors.Transport.InMemory;

namespace QuicActors.Actors.Tests.Streams.Invariants;

/// <summary>
/// Runs one <see cref="ScenarioPlan"/> through a client and a server <see cref="ConnectionActor"/> over the in-memory
/// engine with the plan's faults, both sides behind a <see cref="RecordingConnection"/>, and checks the six invariants:
/// while it runs (at the engine boundary and on every published transition), once the applications are done (the
/// linger policy alone must end every stream and give every slot back), and after the connection closes.
/// </summary>
/// <remarks>
/// The caller advances <paramref name="time"/> in the background: delayed frames, read deadlines, open timeouts and
/// linger timers all run on it. Real-time limits only catch hangs.
/// </remarks>
internal static class InvariantScenario
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(1);

    public static async Task<InvariantLog> RunAsync(ActorSystem system, VirtualTimeProvider time, ScenarioPlan plan)
    {
        var log = new InvariantLog();
        var network = new InMemoryNetwork();
        await using var serverEngine = new InMemoryQuicEngine(new InMemoryEngineOptions { TimeProvider = time, Network = network, Seed = plan.Seed });
        await using var clientEngine = new InMemoryQuicEngine(new InMemoryEngineOptions
        {
            TimeProvider = time,
            Network = network,
            Seed = plan.Seed + 1,
            FaultPlan = plan.Faults,

            // Long enough (a few clock steps) for the first streams to be opened and written in 0-RTT, as a client would.
            EarlyDataRoundTrip = TimeSpan.FromMilliseconds(300),
        });
        await using var listener = await serverEngine.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = ["invariants"],
            Transport = new QuicTransportParameters { MaxInboundBidirectionalStreams = plan.InboundLimit },
            EarlyData = plan.RejectsEarlyData ? EarlyDataPolicy.Accept : EarlyDataPolicy.Disabled,
        });
        var options = new QuicClientOptions { RemoteEndPoint = listener.LocalEndPoint, ApplicationProtocols = ["invariants"] };
        if (plan.RejectsEarlyData)
        {
            options = options with { ResumptionTicket = await FetchTicketAsync(clientEngine, listener, options), EnableEarlyData = true };
        }

        var connecting = clientEngine.ConnectAsync(options).AsTask();
        using var accepting = new CancellationTokenSource(Hang);
        await using var server = new RecordingConnection(await listener.AcceptConnectionAsync(accepting.Token), log, plan.InboundLimit);
        await using var client = new RecordingConnection(await connecting.WaitAsync(Hang), log, 100);

        var handlers = new HandlerCounter();
        var serverActor = system.ActorOf(ConnectionActor.Props(server, new ConnectionActorSettings
        {
            ConnectionId = (2L * plan.Seed) + 1,
            InboundBidirectionalLimit = plan.InboundLimit,
            Linger = plan.Linger,
            StreamHandler = (stream, _) => handlers.Run(() => ServeAsync(plan, log, stream)),
        }), $"server-{plan.Seed}");
        var clientActor = system.ActorOf(ConnectionActor.Props(client, new ConnectionActorSettings
        {
            ConnectionId = 2L * plan.Seed,
            Linger = plan.Linger,
            InitialOutboundBidirectionalCredit = plan.RejectsEarlyData ? plan.InboundLimit : 0,
        }), $"client-{plan.Seed}");
        try
        {
            var next = -1;
            var workers = Enumerable.Range(0, plan.Concurrency).Select(_ => Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < plan.Client.Length)
                {
                    await RunClientStreamAsync(clientActor, log, plan.Client[index], subscribedBeforeAnyEvent: plan.Concurrency == 1);
                }
            }));
            await Expect(log, Task.WhenAll(workers), "the client streams");
            await Expect(log, handlers.AllDoneAsync(), "the server handlers");
            await ProbeStaleHandlesAsync(log);

            // Invariant 4 without help: once both applications are done, the linger policy alone ends every stream and
            // every slot comes back (RFC 9000 §4.6 credit), unless the scenario closes the connection or runs raw. Two
            // kinds of stream are only required to end with the connection (see Excuse).
            var settled = await SettleAsync(
                time,
                serverActor,
                clientActor,
                () => log.Recorders.Count(r => Excuse(plan, r) is not null),
                () => log.Recorders.All(r => r.Completed || Excuse(plan, r) is not null));
            if (plan.Linger.Mode != LingerMode.Raw && !plan.ClosesEarly && !settled && !server.Closed.IsCompleted)
            {
                var unended = string.Join(", ", log.Recorders.Where(r => !r.Completed).Select(r => $"{r.Side} {r.Handle.StreamId} (send {r.Handle.SendState}, receive {r.Handle.ReceiveState})"));
                log.Violation($"invariant 4: with the linger policy on and the connection open, streams were still live 30 virtual seconds after both applications finished: {unended}");
            }

            var serverLive = (await ConnectionActor.GetStatusAsync(serverActor).WaitAsync(Hang)).LiveStreams;
            // A stream leaves the live count on its actor's Terminated; its release may wait for the last HalfTerminal,
            // which can arrive just after (the two come from different senders), so give the pair a moment.
            for (var i = 0; i < 200 && settled && serverLive == 0 && server.PeerBidirectionalReleased != server.PeerBidirectionalOpened; i++)
            {
                await Task.Delay(5);
            }

            if (settled && serverLive == 0 && !server.Closed.IsCompleted && server.PeerBidirectionalReleased != server.PeerBidirectionalOpened)
            {
                log.Violation($"invariant 2: the server released {server.PeerBidirectionalReleased} of the {server.PeerBidirectionalOpened} streams the client opened");
            }

            await CheckStatusAsync(log, serverActor, plan.InboundLimit);
            await CheckStatusAsync(log, clientActor, 100);

            // Whatever is left ends with the connection.
            await client.CloseAsync(0, "scenario over");
            if (!await SettleAsync(time, serverActor, clientActor, static () => 0, () => log.Recorders.All(r => r.Completed)))
            {
                var serverStatus = await ConnectionActor.GetStatusAsync(serverActor).WaitAsync(Hang);
                var clientStatus = await ConnectionActor.GetStatusAsync(clientActor).WaitAsync(Hang);
                var unended = string.Join(", ", log.Recorders.Where(r => !r.Completed).Select(r => $"{r.Side} {r.Handle.StreamId} (send {r.Handle.SendState}, receive {r.Handle.ReceiveState})"));
                log.Violation($"invariant 4: streams were still live after the connection closed: server {serverStatus.LiveStreams} (closed: {server.Closed.IsCompleted}), client {clientStatus.LiveStreams} (closed: {client.Closed.IsCompleted}); not ended: {unended}");
            }

            foreach (var recorder in log.Recorders)
            {
                recorder.CheckTerminated();
            }

            CheckFinAcknowledgements(plan, log, client, server);
            CheckFinAcknowledgements(plan, log, server, client);
        }
        finally
        {
            system.Stop(serverActor);
            system.Stop(clientActor);
        }

        return log;
    }

    /// <summary>
    /// Invariant 5: every handle whose generation ended is inert and says so; what it is asked to do must not reach the
    /// engine (the recording connection looks for <see cref="StaleProbe"/>'s bytes and code).
    /// </summary>
    private static async Task ProbeStaleHandlesAsync(InvariantLog log)
    {
        foreach (var recorder in log.Recorders.Where(r => r.Discarded))
        {
            var stream = recorder.Handle;
            await ExpectStaleAsync(log, stream, "write", () => stream.WriteAsync(StaleProbe.Bytes));
            await ExpectStaleAsync(log, stream, "abort", () => { stream.Abort(StreamAbortDirection.Both, StaleProbe.ErrorCode); return Task.CompletedTask; });
            await ExpectStaleAsync(log, stream, "read", () => stream.ReadAsync(new byte[8]));
            Interlocked.Increment(ref log.StaleProbes);
        }
    }

    private static async Task ExpectStaleAsync(InvariantLog log, StreamHandle stream, string what, Func<Task> operation)
    {
        try
        {
            await operation().WaitAsync(Hang);
            log.Violation($"invariant 5: a {what} through the stale handle {stream.Stamp} succeeded");
        }
        catch (StaleHandleException)
        {
        }
        catch (Exception ex)
        {
            log.Violation($"invariant 5: a {what} through the stale handle {stream.Stamp} failed with {ex.GetType().Name} rather than {nameof(StaleHandleException)}: {ex.Message}");
        }
    }

    /// <summary>A first connection, only to get a resumption ticket for 0-RTT.</summary>
    private static async Task<QuicResumptionTicket> FetchTicketAsync(InMemoryQuicEngine clientEngine, IQuicEngineListener listener, QuicClientOptions options)
    {
        using var timeout = new CancellationTokenSource(Hang);
        await using var first = await clientEngine.ConnectAsync(options, timeout.Token);
        await using var accepted = await listener.AcceptConnectionAsync(timeout.Token);
        while (await first.Events.WaitToReadAsync(timeout.Token))
        {
            while (first.Events.TryRead(out var engineEvent))
            {
                (engineEvent as IDisposable)?.Dispose();
                if (engineEvent is ResumptionTicketReceived { Ticket: var ticket })
                {
                    return ticket;
                }
            }
        }

        throw new InvalidOperationException("The first connection closed without a resumption ticket.");
    }

    /// <remarks>
    /// With concurrent workers, a stream can see the peer's data before its worker subscribes: a frame on a higher stream
    /// opens every lower stream at the server (RFC 9000 §3.2), whose handler may write at once.
    /// </remarks>
    private static async Task RunClientStreamAsync(IActorRef clientActor, InvariantLog log, SideBehaviour behaviour, bool subscribedBeforeAnyEvent)
    {
        StreamHandle stream;
        try
        {
            stream = await ConnectionActor.OpenStreamAsync(clientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Hang);
        }
        catch (Exception ex) when (IsOutcome(ex))
        {
            return; // no credit in time, or the connection closed: nothing was opened
        }

        log.Track(QuicConnectionRole.Client, stream, subscribedBeforeAnyEvent);
        await using (stream)
        {
            await PlayAsync(log, QuicConnectionRole.Client, stream, behaviour);
        }
    }

    private static async Task ServeAsync(ScenarioPlan plan, InvariantLog log, StreamHandle stream)
    {
        log.Track(QuicConnectionRole.Server, stream, subscribedBeforeAnyEvent: false);
        var behaviour = plan.Server(stream.StreamId);
        await PlayAsync(log, QuicConnectionRole.Server, stream, behaviour);
        if (behaviour.ThrowAtEnd)
        {
            throw new InvalidOperationException("scenario: the handler fails on purpose");
        }
    }

    /// <summary>One side's application: writes, then reads, each step allowed to fail the ways a stream may fail.</summary>
    private static async Task PlayAsync(InvariantLog log, QuicConnectionRole side, StreamHandle stream, SideBehaviour behaviour)
    {
        var written = 0L;
        var aborted = false;
        for (var i = 0; i < behaviour.Chunks.Length; i++)
        {
            if (behaviour.AbortWriteBeforeChunk == i)
            {
                aborted = true;
                await TryAsync(log, side, stream, () => { stream.Abort(StreamAbortDirection.Write, 0x10); return Task.CompletedTask; }, "abort writing");
                break;
            }

            var chunk = StreamPattern.Chunk(stream.StreamId, side, written, behaviour.Chunks[i]);
            var fin = behaviour.CompleteWrites && i == behaviour.Chunks.Length - 1;
            if (!await TryAsync(log, side, stream, () => stream.WriteAsync(chunk, fin), "write"))
            {
                aborted = true;
                break;
            }

            written += chunk.Length;
        }

        if (!aborted && behaviour.CompleteWrites && behaviour.Chunks.Length == 0)
        {
            await TryAsync(log, side, stream, stream.CompleteWritesAsync, "complete writes");
        }

        if (behaviour.Read == ReadMode.None)
        {
            return;
        }

        var peer = side == QuicConnectionRole.Client ? QuicConnectionRole.Server : QuicConnectionRole.Client;
        var buffer = new byte[64];
        var read = 0L;
        while (behaviour.Read == ReadMode.ToEof || read < behaviour.ReadLimit)
        {
            var n = -1;
            if (!await TryAsync(log, side, stream, async () => n = await stream.ReadAsync(buffer, ReadDeadline), "read"))
            {
                return;
            }

            if (n == 0)
            {
                log.EndOfStreamRead(side, stream.StreamId, read);
                break;
            }

            if (StreamPattern.FirstMismatch(stream.StreamId, peer, read, buffer.AsSpan(0, n)) is var at and >= 0)
            {
                log.Violation($"invariant 6: the {side} application read a wrong byte on {stream.StreamId} at offset {read + at}");
            }

            read += n;
        }

        if (behaviour.AbortReadAfterReading)
        {
            await TryAsync(log, side, stream, () => { stream.Abort(StreamAbortDirection.Read, 0x20); return Task.CompletedTask; }, "abort reading");
        }
    }

    /// <summary>Runs one application step; false when it failed in one of the ways a stream may legitimately fail.</summary>
    private static async Task<bool> TryAsync(InvariantLog log, QuicConnectionRole side, StreamHandle stream, Func<Task> step, string what)
    {
        try
        {
            await step().WaitAsync(Hang);
            return true;
        }
        catch (TimeoutException) when (what == "read")
        {
            return false;
        }
        catch (TimeoutException)
        {
            log.Violation($"invariant 4: the {side} application's {what} on {stream.StreamId} hung");
            return false;
        }
        catch (Exception ex) when (IsOutcome(ex))
        {
            return false;
        }
        catch (Exception ex)
        {
            log.Violation($"the {side} application's {what} on {stream.StreamId} failed unexpectedly: {ex}");
            return false;
        }
    }

    private static bool IsOutcome(Exception ex) =>
        ex is StreamAbortedException or InvalidOperationException or QuicTransportException or OperationCanceledException
        || (ex is TimeoutException && ex.Message.Contains("credit", StringComparison.Ordinal));

    private static async Task Expect(InvariantLog log, Task task, string what)
    {
        try
        {
            await task.WaitAsync(Hang);
        }
        catch (TimeoutException)
        {
            log.Violation($"invariant 4: {what} never finished");
        }
    }

    /// <summary>
    /// Why <paramref name="recorder"/>'s stream may stay live until the connection closes, or null when it must end on
    /// its own:
    /// <list type="bullet">
    /// <item>an injected RESET_STREAM is the server engine acting behind its runtime's back (no application of a
    /// runtime can do that): the client sees a genuine peer reset, but the server's send half never learns of it;</item>
    /// <item>an injected STOP_SENDING, likewise: the server engine discards the rest of the data and reports only where
    /// it ended, which a receive half that never aborted reading cannot take (the bytes in between never came), so it
    /// waits for the connection. A STOP_SENDING of the runtime's own is no excuse: the engine reports the end of the
    /// discarded data (IQuicEngineConnection.StopSending), so the half ends even when the peer sends no RESET_STREAM
    /// (RFC 9000 §3.5 lets it skip one once all its data is acknowledged).</item>
    /// </list>
    /// </summary>
    private static string? Excuse(ScenarioPlan plan, TransitionRecorder recorder)
    {
        if (recorder.Completed)
        {
            return null;
        }

        var id = recorder.Handle.StreamId;
        if (recorder.Side == QuicConnectionRole.Server && plan.Faults.Injections.Any(i => i.Action is FaultAction.ResetStream reset && reset.StreamId == id))
        {
            return "injected reset";
        }

        return recorder.Side == QuicConnectionRole.Server && plan.InjectsStopSending(id.Value) && recorder.Handle.ReceiveState is ReceiveState.Recv or ReceiveState.SizeKnown
            ? "injected STOP_SENDING"
            : null;
    }

    /// <summary>
    /// Waits until the connection actors host no more streams than <paramref name="mayKeep"/> says and the handles are
    /// settled as well (streams of an ended generation no longer count as live at the connection, but still end): true,
    /// or false after 30 virtual seconds (or a real-time hang).
    /// </summary>
    private static async Task<bool> SettleAsync(VirtualTimeProvider time, IActorRef serverActor, IActorRef clientActor, Func<int> mayKeep, Func<bool> handlesSettled)
    {
        var virtualStart = time.Elapsed;
        var realStart = Stopwatch.StartNew();
        while (true)
        {
            var server = await ConnectionActor.GetStatusAsync(serverActor).WaitAsync(Hang);
            var client = await ConnectionActor.GetStatusAsync(clientActor).WaitAsync(Hang);
            if (server.LiveStreams + client.LiveStreams <= mayKeep() && handlesSettled())
            {
                return true;
            }

            if (time.Elapsed - virtualStart > TimeSpan.FromSeconds(30) || realStart.Elapsed > Hang)
            {
                return false;
            }

            await Task.Delay(1);
        }
    }

    /// <summary>Invariant 1 as the connection actor keeps it, and its ledgers' own checks.</summary>
    private static async Task CheckStatusAsync(InvariantLog log, IActorRef actor, long limit)
    {
        var status = await ConnectionActor.GetStatusAsync(actor).WaitAsync(Hang);
        foreach (var violation in status.InvariantViolations)
        {
            log.Violation($"invariant 1 (ledger of {actor.Path.Name}): {violation}");
        }

        if (status.InboundBidirectionalInUse + status.InboundBidirectionalAvailable != limit)
        {
            log.Violation($"invariant 1: {actor.Path.Name} has {status.InboundBidirectionalInUse} slots in use and {status.InboundBidirectionalAvailable} available, limit {limit}");
        }
    }

    /// <summary>Invariant 6: a FIN the peer acknowledged covers exactly the bytes written, and an application that read EOF read them all.</summary>
    private static void CheckFinAcknowledgements(ScenarioPlan plan, InvariantLog log, RecordingConnection sender, RecordingConnection receiver)
    {
        foreach (var (streamId, written) in sender.FinAcknowledged)
        {
            if (!receiver.FinalSizes.TryGetValue(streamId, out var finalSize))
            {
                if (receiver.SentStopSending(streamId) || (receiver.Role == QuicConnectionRole.Server && (plan.InjectsStopSending(streamId) || plan.InjectsReset(streamId))) || plan.ClosesEarly)
                {
                    // After STOP_SENDING the receiver's engine discards data without reporting it (RFC 9000 §3.5), as it
                    // does after a RESET_STREAM injected in the sender's name; a connection that closes drops what its
                    // application had not been told yet.
                    continue;
                }

                log.Violation($"invariant 6: {sender.Role}'s FIN on {streamId} was acknowledged but {receiver.Role} never received it");
            }
            else if (finalSize != written)
            {
                log.Violation($"invariant 6: {sender.Role} wrote {written} bytes on {streamId} before its acknowledged FIN, {receiver.Role} received a final size of {finalSize}");
            }
        }

        foreach (var (streamId, read) in log.EndOfStreamReads(receiver.Role))
        {
            var written = sender.Written.GetValueOrDefault(streamId);
            if (read != written)
            {
                log.Violation($"invariant 6: the {receiver.Role} application read EOF on {streamId} after {read} bytes; {sender.Role} wrote {written}");
            }
        }
    }

    /// <summary>Counts running server handlers so the scenario can wait for all of them.</summary>
    private sealed class HandlerCounter
    {
        private readonly Lock _gate = new();
        private readonly List<Task> _running = [];

        public Task Run(Func<Task> handler)
        {
            var task = handler();
            lock (_gate)
            {
                _running.Add(task);
            }

            return task;
        }

        public async Task AllDoneAsync()
        {
            while (true)
            {
                Task[] running;
                lock (_gate)
                {
                    running = [.. _running];
                }

                try
                {
                    await Task.WhenAll(running);
                }
                catch (InvalidOperationException)
                {
                    // A handler that fails on purpose.
                }

                lock (_gate)
                {
                    if (_running.Count == running.Length)
                    {
                        return;
                    }
                }
            }
        }
    }
}
