using System.Text;
using QuicActors.Conformance.Tests.Interop.Peer;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using QuicActors.TestKit;

/// <summary>
/// S4 with quic-go 0.29 as the client and our server connection actors on ngtcp2 rejecting its 0-RTT: what our server
/// sees. quic-go takes a ticket on a first connection, resumes, opens stream 0 in 0-RTT and writes "ping" + FIN; our
/// server drops the early data, so its stream 0 is the 1-RTT repeat. quic-go keeps one connection across the rejection
/// (only its stream maps are swapped), so aborting the rejected early stream sends STOP_SENDING and RESET_STREAM for
/// stream 0 of the new connection: the field failure of the issue, made by the client. Our server cannot tell those
/// frames from a real abort; it contains them (handler told, token fired, slot back). GnuTLS-style forced early data on
/// a ticket our server never granted is a graceful rejection here, not the handshake abort quic-go's server answers with.
/// </summary>
public sealed class S4ZeroRttRejectionQuicGoClientSpec(ITestOutputHelper output) : TestKit(output)
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task After_our_server_rejects_quic_go_0rtt_stream_0_carries_only_the_1rtt_repeat_and_no_abort()
    {
        await using var server = await RecordingServer.StartAsync(Sys, EarlyDataPolicy.Reject);
        var run = await QuicGoClient.RunAsync(server.EndPoint, "zero-rtt", ClientTimeout, "--expect-0rtt", "rejected");
        Assert.Equal("zero-rtt used0rtt=false reply=ping", run.AssertSucceeded());
        Assert.Contains("early-stream-rejected=true", run.Stderr, StringComparison.Ordinal);

        var resumed = await server.StreamsOfConnectionAsync(2, 1);
        var stream = Assert.Single(resumed);
        Assert.Equal(0, stream.Id);
        Assert.Equal("ping", stream.Request);
        Assert.Null(stream.Abort);
        await server.AssertSettledAsync(2, released: 1);
        var causes = server.CausesOf(stream.Stamp);
        Assert.DoesNotContain(TransitionCause.PeerReset, causes);
        Assert.DoesNotContain(TransitionCause.PeerStopSending, causes);
    }

    [SkippableFact]
    public async Task Quic_go_aborting_its_rejected_early_stream_resets_stream_0_of_the_new_connection_and_our_server_contains_it()
    {
        await using var server = await RecordingServer.StartAsync(Sys, EarlyDataPolicy.Reject);
        var run = await QuicGoClient.RunAsync(server.EndPoint, "zero-rtt-stale-aborts", ClientTimeout, "--code", "42", "--read-deadline", "2s");
        // quic-go sends the stale STOP_SENDING and RESET_STREAM (code 42) for stream 0 ahead of the repeat's data, so the
        // repeat never gets its echo: ngtcp2 0.12 keeps no stream whose first frame is RESET_STREAM (our read of it still
        // reports the reset), and the data after it is ignored, so quic-go's read of the reply sees nothing in 2 s.
        var result = run.AssertSucceeded();
        Assert.StartsWith("zero-rtt-stale-aborts stream=0 ", result, StringComparison.Ordinal);
        Assert.DoesNotContain("reply=", result, StringComparison.Ordinal);

        var resumed = await server.StreamsOfConnectionAsync(2, 1);
        var stream = Assert.Single(resumed);
        Assert.Equal(0, stream.Id);
        var abort = Assert.IsType<StreamAbortedException>(stream.Abort);
        Assert.Equal(42, abort.ErrorCode);
        Assert.True(abort.ByPeer);
        Assert.True(stream.TokenFired, "the handler's token must fire on the peer's abort");
        await server.AssertSettledAsync(2, released: 1);
        // Read once the stream is released: the handler can learn of the abort from the engine (a write refused after the
        // peer's STOP_SENDING) before the stream actor has processed that frame's event.
        var causes = server.CausesOf(stream.Stamp);
        Assert.True(causes.Contains(TransitionCause.PeerReset) || causes.Contains(TransitionCause.PeerStopSending), string.Join(", ", causes));
    }

    [SkippableFact]
    public async Task Quic_go_forcing_early_data_on_a_ticket_our_server_never_granted_gets_a_graceful_rejection_and_stream_0_works()
    {
        await using var server = await RecordingServer.StartAsync(Sys, EarlyDataPolicy.Disabled);
        var run = await QuicGoClient.RunAsync(server.EndPoint, "zero-rtt", ClientTimeout, "--force-early-data", "--expect-0rtt", "rejected");
        Assert.Equal("zero-rtt used0rtt=false reply=ping", run.AssertSucceeded());

        var stream = Assert.Single(await server.StreamsOfConnectionAsync(2, 1));
        Assert.Equal(0, stream.Id);
        Assert.Equal("ping", stream.Request);
        Assert.Null(stream.Abort);
        await server.AssertSettledAsync(2, released: 1);
    }

    /// <summary>What one server stream's handler saw.</summary>
    private sealed record SeenStream(int Connection, StreamHandleStamp Stamp, string Request, Exception? Abort, bool TokenFired, IReadOnlyList<TransitionCause> Causes)
    {
        public long Id => Stamp.StreamId.Value;
    }

    /// <summary>
    /// Our listener with one server connection actor per accepted connection (numbered from 1), each with an echo
    /// handler that records its stream.
    /// </summary>
    private sealed class RecordingServer : IAsyncDisposable
    {
        private readonly ActorSystem _system;
        private readonly SpecEngine _engine;
        private readonly IQuicEngineListener _listener;
        private readonly List<IQuicEngineConnection> _connections = [];
        private readonly List<IActorRef> _actors = [];
        private readonly List<SeenStream> _streams = [];
        private readonly Dictionary<StreamHandleStamp, List<TransitionCause>> _causes = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _acceptLoop;

        private RecordingServer(ActorSystem system, SpecEngine engine, IQuicEngineListener listener)
        {
            _system = system;
            _engine = engine;
            _listener = listener;
            _acceptLoop = Task.Run(AcceptLoopAsync);
        }

        public System.Net.EndPoint EndPoint => _listener.LocalEndPoint;

        public static async Task<RecordingServer> StartAsync(ActorSystem system, EarlyDataPolicy earlyData)
        {
            QuicGoPeer.Require();
            var engine = SpecEngine.Ngtcp2();
            var listener = await engine.ServerEngine.ListenAsync(engine.Listener(new QuicTransportParameters(), earlyData));
            return new RecordingServer(system, engine, listener);
        }

        private async Task AcceptLoopAsync()
        {
            try
            {
                while (true)
                {
                    var connection = await _listener.AcceptConnectionAsync(_stop.Token);
                    lock (_actors)
                    {
                        _connections.Add(connection);
                        var number = _connections.Count;
                        _actors.Add(_system.ActorOf(ConnectionActor.Props(connection, new ConnectionActorSettings
                        {
                            ConnectionId = number,
                            Linger = LingerPolicy.Default,
                            StreamHandler = (stream, token) => EchoAsync(number, stream, token),
                            // Every transition, from the stream's first: a subscription made by the handler would miss
                            // those that happen before the handler runs (the peer's abort can arrive that early).
                            OnTransition = RecordCause,
                        }), $"server-{number}"));
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        private async Task EchoAsync(int connection, StreamHandle stream, CancellationToken token)
        {
            var request = new StringBuilder();
            Exception? abort = null;
            try
            {
                var buffer = new byte[128];
                int n;
                while ((n = await stream.ReadAsync(buffer)) > 0) request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), completeWrites: true);
            }
            catch (StreamAbortedException e)
            {
                abort = e;
            }
            // The token fires when the peer aborts; give the cancellation a moment to be observed after the exception.
            for (var i = 0; i < 100 && abort is not null && !token.IsCancellationRequested; i++) await Task.Delay(10, CancellationToken.None);
            TransitionCause[] seen;
            lock (_causes) seen = _causes.TryGetValue(stream.Stamp, out var causes) ? [.. causes] : [];
            lock (_streams) _streams.Add(new SeenStream(connection, stream.Stamp, request.ToString(), abort, token.IsCancellationRequested, seen));
        }

        /// <summary>Every cause recorded so far for <paramref name="stamp"/>, in order.</summary>
        public TransitionCause[] CausesOf(StreamHandleStamp stamp)
        {
            lock (_causes) return _causes.TryGetValue(stamp, out var causes) ? [.. causes] : [];
        }

        private void RecordCause(StreamTransition transition)
        {
            lock (_causes)
            {
                if (!_causes.TryGetValue(transition.Stamp, out var causes)) _causes[transition.Stamp] = causes = [];
                causes.Add(transition.Cause);
            }
        }

        /// <summary>Waits until <paramref name="count"/> streams of connection <paramref name="connection"/> finished their handlers.</summary>
        public async Task<IReadOnlyList<SeenStream>> StreamsOfConnectionAsync(int connection, int count)
        {
            var deadline = DateTime.UtcNow + Wait;
            while (true)
            {
                lock (_streams)
                {
                    var found = _streams.Where(s => s.Connection == connection).ToList();
                    if (found.Count >= count || DateTime.UtcNow > deadline) return found;
                }
                await Task.Delay(10);
            }
        }

        /// <summary>
        /// Connection <paramref name="connection"/> holds no stream, accounts for every slot of its limit, and broke no
        /// invariant. quic-go closes its connection as soon as it has the reply, which may be before our FIN's
        /// acknowledgement, so the slot is released at most <paramref name="released"/> times.
        /// </summary>
        public async Task AssertSettledAsync(int connection, int released)
        {
            IActorRef actor;
            lock (_actors) actor = _actors[connection - 1];
            var deadline = DateTime.UtcNow + Wait;
            var status = await ConnectionActor.GetStatusAsync(actor);
            while (status.LiveStreams != 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
                status = await ConnectionActor.GetStatusAsync(actor);
            }
            Assert.Equal(0, status.LiveStreams);
            Assert.InRange(status.InboundBidirectionalReleased, 0, released);
            Assert.Equal(new ConnectionActorSettings().InboundBidirectionalLimit, status.InboundBidirectionalInUse + status.InboundBidirectionalAvailable);
            Assert.Empty(status.InvariantViolations);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _acceptLoop;
            IQuicEngineConnection[] connections;
            lock (_actors) connections = [.. _connections];
            foreach (var c in connections) await c.DisposeAsync();
            await _listener.DisposeAsync();
            await _engine.DisposeAsync();
            _stop.Dispose();
        }
    }
}
