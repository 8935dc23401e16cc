using System.Threading.Channels;
using QuicActors.Kernel;
using QuicActors.Streams.Internal;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Streams;

/// <summary>
/// Hosts one <see cref="IQuicEngineConnection"/>: pumps its events into the mailbox, keeps a
/// <see cref="StreamCreditLedger"/> per direction and a <see cref="GenerationTracker"/>, hosts a stream actor per stream on
/// its own mailbox and turns (the peer's streams, running <see cref="ConnectionActorSettings.StreamHandler"/>, and ours,
/// opened with <see cref="OpenStreamAsync"/>), gates every handle command on the generation, and gives a stream slot back to the engine
/// (<see cref="IQuicEngineConnection.ReleaseStream"/>) exactly when the ledger says so: once both halves are terminal and
/// the stream actor stopped (invariants 1, 2 and 5).
/// </summary>
/// <remarks>The actor does not dispose the connection; whoever created the connection does.</remarks>
public sealed partial class ConnectionActor : ReceiveActor, IWithTimers, IStreamActorHost
{
    private static readonly SupervisorStrategy StopOnFailure = new OneForOneStrategy(static _ => Directive.Stop);
    private readonly IQuicEngineConnection _connection;
    private readonly ConnectionActorSettings _settings;
    private readonly GenerationTracker _generations;
    private StreamCreditLedger _bidirectional;
    private StreamCreditLedger _unidirectional;
    // The live streams of the current generation, by stream ID; their actors run on this actor's turns.
    private readonly Dictionary<long, StreamEntry> _streams = [];
    private readonly List<StreamEntry> _discardedStreams = [];
    private readonly StreamEventBatch.Spare _spareBatch = new();
    private readonly Dictionary<long, OpenStreamRequest> _waitingOpens = [];
    private readonly List<long> _scratch = [];
    private readonly LeakDetector? _leaks;
    private readonly List<LeakReport> _leakReports = [];
    private TimeProvider _time = TimeProvider.System;
    private long _origin;
    private long _nextRequestId;
    private bool _leakScanArmed;
    private StreamHandlerRun.Runner? _handlerRunner;

    private ConnectionActor(IQuicEngineConnection connection, ConnectionActorSettings settings, GenerationTracker? generations = null)
    {
        _connection = connection;
        _settings = settings;
        _generations = generations ?? new GenerationTracker(settings.ConnectionId);
        _leaks = settings.LeakDeadline is { } leakDeadline ? new LeakDetector(leakDeadline) : null;
        _bidirectional = new StreamCreditLedger(connection.Role, StreamDirection.Bidirectional, settings.InboundBidirectionalLimit, settings.InitialOutboundBidirectionalCredit);
        _unidirectional = new StreamCreditLedger(connection.Role, StreamDirection.Unidirectional, settings.InboundUnidirectionalLimit, settings.InitialOutboundUnidirectionalCredit);
        // Handlers are tried in order: the messages every stream brings come first.
        Receive<StreamEventBatch>(OnStreamEvents);
        Receive<PeerStreamOpened>(OnPeerStreamOpened);
        Receive<StreamEvent>(OnStreamEvent);
        Receive<IStreamCommand>(OnStreamCommand);
        Receive<OpenStreamRequest>(OnOpenStream);
        Receive<StreamTimerFired>(OnStreamTimerFired);
        Receive<HandshakeCompleted>(OnHandshakeCompleted);
        Receive<StreamCreditGranted>(e => GrantCredit(e.Direction, e.MaxStreams));
        Receive<ConnectionClosed>(OnConnectionClosed);
        Receive<EarlyDataRejected>(OnEarlyDataRejected);
        Receive<DatagramReceived>(OnDatagramReceived);
        Receive<EngineEvent>(_ => { });
        Receive<OpenDeadline>(_ => ExpireOpens());
        Receive<Terminated>(t => OnActorTerminatedPublication(t.ActorRef));
        Receive<LeakScan>(_ => ScanForLeaks());
        Receive<StatusQuery>(q => q.Completion.TrySetResult(Status()));
        ReceiveApiMessages();
        ReceivePublication();
        ReceiveDatagrams();
    }

    /// <inheritdoc/>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for a connection actor hosting <paramref name="connection"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static Props Props(IQuicEngineConnection connection, ConnectionActorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(settings);
        return Kernel.Props.Create(() => new ConnectionActor(connection, settings));
    }

    /// <summary>
    /// Opens a local stream through the connection actor <paramref name="connectionActor"/>, waiting in FIFO order at most
    /// <paramref name="timeout"/> for the peer's stream credit (RFC 9000 §4.6).
    /// </summary>
    /// <exception cref="TimeoutException">No credit came within <paramref name="timeout"/>; nothing was opened.</exception>
    public static Task<StreamHandle> OpenStreamAsync(IActorRef connectionActor, StreamDirection direction, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(connectionActor);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        var completion = new TaskCompletionSource<StreamHandle>(TaskCreationOptions.RunContinuationsAsynchronously);
        connectionActor.Tell(new OpenStreamRequest(direction, timeout, completion), ActorRefs.NoSender);
        return completion.Task;
    }

    /// <summary>A snapshot of the connection actor's credit and stream bookkeeping.</summary>
    public static Task<ConnectionStatus> GetStatusAsync(IActorRef connectionActor)
    {
        ArgumentNullException.ThrowIfNull(connectionActor);
        var completion = new TaskCompletionSource<ConnectionStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        connectionActor.Tell(new StatusQuery(completion), ActorRefs.NoSender);
        return completion.Task;
    }

    /// <inheritdoc/>
    protected override void PreStart()
    {
        _time = Context.System.Settings.TimeProvider;
        _origin = _time.GetTimestamp();
        StartPublication();
        _ = PumpAsync(_connection.Events, Self, _spareBatch);
    }

    /// <inheritdoc/>
    protected override void PostStop()
    {
        // The streams end with their host: each half still open is reported by its handle (abort token, completion).
        foreach (var entry in _streams.Values)
        {
            entry.Stream.Stop();
        }

        foreach (var entry in _discardedStreams)
        {
            entry.Stream.Stop();
        }

        foreach (var open in _waitingOpens.Values)
        {
            open.Completion.TrySetException(new InvalidOperationException("The connection actor stopped."));
        }

        _waitingOpens.Clear();
        FailParkedReplacementQueries();
        FailOpensAcrossRejection();
        StopPublication();
    }

    /// <summary>A failing child (an actor-style handler's bridge) is stopped, not restarted: a restart would forget its stream, which the handler's abort code ends. Failing stream actors are stopped by <see cref="DeliverToStream"/>.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => StopOnFailure;

    /// <summary>
    /// The one pump per connection: every engine event becomes a message to the connection actor, in order. A stream's
    /// events take no other way: its actor runs on this actor's turns, so they meet the handle's commands, the stream's
    /// spawn and the 0-RTT generation switch in one order. The stream events one wake-up finds go as one
    /// <see cref="StreamEventBatch"/>; a connection event goes on its own, after the batch before it.
    /// </summary>
    private static async Task PumpAsync(ChannelReader<EngineEvent> events, IActorRef self, StreamEventBatch.Spare spare)
    {
        while (await events.WaitToReadAsync().ConfigureAwait(false))
        {
            StreamEventBatch? batch = null;
            while (events.TryRead(out var engineEvent))
            {
                if (engineEvent is StreamEvent streamEvent)
                {
                    batch ??= spare.Take();
                    batch.Add(streamEvent);
                    if (batch.IsFull)
                    {
                        self.Tell(batch, ActorRefs.NoSender);
                        batch = null;
                    }
                }
                else
                {
                    TellBatch(self, ref batch, spare);
                    self.Tell(engineEvent, ActorRefs.NoSender);
                }
            }

            TellBatch(self, ref batch, spare);
        }
    }

    /// <summary>Tells what <paramref name="batch"/> holds: a lone event as itself (the batch goes back), more as the batch.</summary>
    private static void TellBatch(IActorRef self, ref StreamEventBatch? batch, StreamEventBatch.Spare spare)
    {
        if (batch is null)
        {
            return;
        }

        if (batch.Count == 1)
        {
            var single = batch[0];
            batch.Return(spare);
            self.Tell(single, ActorRefs.NoSender);
        }
        else
        {
            self.Tell(batch, ActorRefs.NoSender);
        }

        batch = null;
    }

    private void OnStreamEvents(StreamEventBatch batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i] is PeerStreamOpened opened)
            {
                OnPeerStreamOpened(opened);
            }
            else
            {
                OnStreamEvent(batch[i]);
            }
        }

        batch.Return(_spareBatch);
    }

    private StreamCreditLedger LedgerFor(QuicStreamId streamId) => LedgerFor(streamId.Direction);

    private StreamCreditLedger LedgerFor(StreamDirection direction) =>
        direction == StreamDirection.Bidirectional ? _bidirectional : _unidirectional;

    private void OnPeerStreamOpened(PeerStreamOpened opened)
    {
        var streamId = opened.StreamId;
        var outcome = LedgerFor(streamId).OnPeerStreamOpened(streamId);
        if (outcome != PeerStreamOpenOutcome.Accepted)
        {
            Context.System.Log.Warning("Connection {ConnectionId}: peer stream {StreamId} not accepted by the ledger: {Outcome}", _settings.ConnectionId, streamId, outcome);
            return;
        }

        var handle = SpawnStream(streamId);
        if (_settings.StreamHandler is { } handler)
        {
            StreamHandlerRun.Start(_handlerRunner ??= new StreamHandlerRun.Runner(handler, _settings.HandlerFailureErrorCode, Context.System.Log), handle);
        }
        else if (_settings.StreamHandlerProps is { } handlerProps)
        {
            SpawnHandlerActor(handlerProps, handle);
        }
        else
        {
            handle.Release();
        }
    }

    /// <summary>Starts the actor of a stream, hosted on this actor's turns; its handle's commands come here.</summary>
    private StreamHandle SpawnStream(QuicStreamId streamId)
    {
        var handle = new StreamHandle(_generations.Stamp(streamId), _connection.Role, Self, _generations);
        var stream = new StreamActor(_streamContext, handle);

        // One clock read for the stream's start, its leak deadline and its lifetime metric.
        var startedAt = _time.GetTimestamp();
        _streams.Add(streamId.Value, new StreamEntry(stream, startedAt));
        OnStreamSpawned(handle);
        if (_leaks is not null)
        {
            // The half states in a report are read from the handle when the report is made (ScanForLeaks), not kept up to date here.
            _leaks.Register(streamId, _time.GetElapsedTime(_origin, startedAt), handle.CanWrite ? nameof(SendState.Ready) : LeakDetector.AbsentHalf, handle.CanRead ? nameof(ReceiveState.Recv) : LeakDetector.AbsentHalf);
            ScheduleLeakScan();
        }

        return handle;
    }

    private void OnStreamEvent(StreamEvent streamEvent)
    {
        if (_streams.TryGetValue(streamEvent.StreamId.Value, out var entry))
        {
            DeliverToStream(entry.Stream, streamEvent);
        }
        else if (streamEvent is IDisposable owned)
        {
            owned.Dispose();
        }
    }

    private void OnStreamCommand(IStreamCommand command)
    {
        try
        {
            _generations.ThrowIfNotAdmitted(command.Stamp);
        }
        catch (StaleHandleException ex)
        {
            command.Fail(ex);
            return;
        }

        RecordEarlyCommand(command);
        if (_settings.DatagramFlows)
        {
            OnStreamCommandForDatagrams(command);
        }

        if (_streams.TryGetValue(command.Stamp.StreamId.Value, out var entry))
        {
            DeliverToStream(entry.Stream, command);
        }
        else if (command is ReadCommand read && read.Buffer.IsEmpty)
        {
            read.Answer(0);
        }
        else
        {
            command.FailStreamEnded();
        }
    }

    private void OnStreamTimerFired(StreamTimerFired fired)
    {
        if (!fired.Stream.Stopped)
        {
            DeliverToStream(fired.Stream, fired.Message);
        }
    }

    /// <summary>
    /// Hands <paramref name="message"/> to <paramref name="stream"/> and stops the stream if it asked to. A stream that throws
    /// is stopped, not restarted (a restart would forget its RFC states); its slot still comes back.
    /// </summary>
    private void DeliverToStream(StreamActor stream, object message)
    {
        try
        {
            if (!stream.Receive(message))
            {
                Context.System.Log.Warning("Connection {ConnectionId}: stream {StreamId} does not take {Message}", _settings.ConnectionId, stream.Handle.StreamId, message.GetType().Name);
            }
        }
        catch (Exception ex)
        {
            _log.Error(ex, "Connection {ConnectionId}: stream {StreamId} failed on {Message} and is stopped", _settings.ConnectionId, stream.Handle.StreamId, message.GetType().Name);
            StopStream(stream);
            return;
        }

        if (stream.StopRequested)
        {
            StopStream(stream);
        }
    }

    /// <summary>
    /// Stops a stream actor and records its end: every half it had is terminal (after a failure one may still be open; it
    /// is reported all the same, and the engine's ReleaseStream aborts it), so the ledger answers whether the slot comes
    /// back, and only then is the engine told (invariants 1 and 2).
    /// </summary>
    private void StopStream(StreamActor stream)
    {
        if (stream.Stopped)
        {
            return;
        }

        stream.Stop();
        var stamp = stream.Handle.Stamp;

        // The entry may already belong to the next generation's stream of the same ID.
        var removed = _streams.TryGetValue(stamp.StreamId.Value, out var entry) && ReferenceEquals(entry.Stream, stream) && _streams.Remove(stamp.StreamId.Value);
        if (!removed)
        {
            var index = _discardedStreams.Count - 1;
            while (index >= 0 && !ReferenceEquals(_discardedStreams[index].Stream, stream))
            {
                index--;
            }

            if (index < 0)
            {
                return;
            }

            entry = _discardedStreams[index];
            _discardedStreams.RemoveAt(index);
        }

        RecordStreamEnded(entry);
        if (!_generations.IsCurrent(stamp))
        {
            // The connection closed or the generation ended: there is no slot to give back, but a stream that ended after
            // a close must still leave the map and the leak detector, or both would count it live forever.
            if (removed)
            {
                _leaks?.Unregister(stamp.StreamId);
            }

            return;
        }

        var ledger = LedgerFor(stamp.StreamId);
        if (entry.Handle.CanWrite)
        {
            ApplyRelease(stamp.StreamId, ledger.OnHalfTerminal(stamp.StreamId, StreamHalf.Send));
        }

        if (entry.Handle.CanRead)
        {
            ApplyRelease(stamp.StreamId, ledger.OnHalfTerminal(stamp.StreamId, StreamHalf.Receive));
        }

        ApplyRelease(stamp.StreamId, ledger.OnStreamTerminated(stamp.StreamId));
    }

    ICancelable IStreamActorHost.ScheduleStreamMessage(TimeSpan delay, StreamActor stream, object message) =>
        Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, new StreamTimerFired(stream, message), Self);

    void IStreamActorHost.PublishTransition(in StreamTransition transition) => PublishTransition(transition);

    /// <summary>
    /// 0-RTT was rejected (RFC 9001 §4.6.2): the engine discarded the early streams and restarts stream IDs at 0. Begin
    /// the next generation so every old handle is inert, end the old streams as discarded (no frame), rebuild the
    /// ledgers from the 1-RTT limits (the handshake's parameters follow), and carry waiting opens over to the new ledger.
    /// </summary>
    private void OnEarlyDataRejected(EarlyDataRejected rejected)
    {
        var generation = _generations.BeginNextGeneration();
        DiscardDatagramFlows();
        Context.System.Log.Information("Connection {ConnectionId}: 0-RTT rejected, {Count} early streams discarded; now {Generation}", _settings.ConnectionId, rejected.DiscardedStreams.Count, generation);
        var discarded = _discardedStreams.Count;
        foreach (var entry in _streams.Values)
        {
            _leaks?.Unregister(entry.Handle.StreamId);
            _discardedStreams.Add(entry);
        }

        _streams.Clear();
        // Each ends as discarded (no frame) and stops: the list shrinks as they do, so it is walked from a copy.
        foreach (var entry in _discardedStreams.GetRange(discarded, _discardedStreams.Count - discarded))
        {
            DeliverToStream(entry.Stream, GenerationDiscarded.Instance);
        }

        _bidirectional = new StreamCreditLedger(_connection.Role, StreamDirection.Bidirectional, _settings.InboundBidirectionalLimit);
        _unidirectional = new StreamCreditLedger(_connection.Role, StreamDirection.Unidirectional, _settings.InboundUnidirectionalLimit);

        // Replayed early streams open before the opens that were waiting, so they get the IDs they had.
        ReplayEarlyStreams();
        SettleOpensAcrossRejection(rejected);
        var waiting = _waitingOpens.Values.ToList();
        _waitingOpens.Clear();
        foreach (var request in waiting)
        {
            // The wait starts again with the full timeout: nothing was opened, and the new ledger has no record of it.
            OnOpenStream(request);
        }
    }

    private void ApplyRelease(QuicStreamId streamId, StreamReleaseDecision decision)
    {
        if (decision != StreamReleaseDecision.Release)
        {
            return;
        }

        _leaks?.Unregister(streamId);
        try
        {
            _connection.ReleaseStream(streamId);
            RecordSlotReclaimed(streamId);
        }
        catch (QuicTransportException ex)
        {
            Context.System.Log.Debug(ex, "Connection {ConnectionId}: release of stream {StreamId} refused by the engine", _settings.ConnectionId, streamId);
        }
    }

    private void OnConnectionClosed(ConnectionClosed closed)
    {
        _generations.Close();
        // The streams' halves end with the close, but their reports of a closed connection are ignored, so the flows
        // would stay counted until the actor stops: they all end here, each removed once.
        DiscardDatagramFlows();
        // The streams stop as their halves end, leaving the map: it is walked from a copy.
        foreach (var entry in _streams.Values.ToArray())
        {
            DeliverToStream(entry.Stream, closed);
        }

        foreach (var open in _waitingOpens.Values)
        {
            open.Completion.TrySetException(new InvalidOperationException($"The connection closed: {closed.Close}."));
        }

        _waitingOpens.Clear();
    }

    private void ScanForLeaks()
    {
        if (_leaks is null)
        {
            return;
        }

        _leakScanArmed = false;
        _leakReports.Clear();
        _leaks.Scan(Now, _leakReports);
        foreach (var scanned in _leakReports)
        {
            var report = _streams.TryGetValue(scanned.StreamId.Value, out var entry)
                ? scanned with { SendHalfState = StateName(entry.Handle.SendState), ReceiveHalfState = StateName(entry.Handle.ReceiveState) }
                : scanned;
            Context.System.Log.Warning("Connection {ConnectionId}: stream leak: {Report}", _settings.ConnectionId, report);
            Context.System.EventStream.Publish(report);
            RecordLeakReported();
        }

        ScheduleLeakScan();
    }

    private void ScheduleLeakScan()
    {
        // Every stream has the same deadline, so each new one comes due after every stream already registered: a scan
        // already set stands (it re-arms for whatever is due next), and opening a stream neither reads the detector nor
        // touches a timer.
        if (!_leakScanArmed && _leaks?.NextDue() is { } due)
        {
            _leakScanArmed = true;
            var delay = due - Now;
            Timers.StartSingleTimer(LeakScan.Instance, LeakScan.Instance, delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
        }
    }

    private static string StateName<TState>(TState? state)
        where TState : struct, Enum => state is { } value ? value.ToString() : LeakDetector.AbsentHalf;

    private ConnectionStatus Status()
    {
        var violations = new List<string>(_bidirectional.CheckInvariants());
        violations.AddRange(_unidirectional.CheckInvariants());
        return new ConnectionStatus(
            _bidirectional.InboundInUse,
            _bidirectional.InboundAvailable,
            _bidirectional.InboundReleased,
            _streams.Count,
            _bidirectional.WaitingOpenCount + _unidirectional.WaitingOpenCount,
            violations);
    }

}
