using FsCheck;
using FsCheck.Fluent;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Streams.Lifecycle;

/// <summary>
/// The pieces hosted together the way the connection actor will host them: a generation tracker gating handle
/// commands, a credit ledger and a datagram flow table per generation, a leak detector. Random peer opens, local opens,
/// credit grants, handle commands (from current and stale handles), stream ends and 0-RTT rejections; after every step,
/// invariants 1, 2 and 5 hold, and a stale handle never changes a stream of the new generation with the same ID.
/// </summary>
public sealed class ConnectionBookkeepingPropertyTests
{
    internal enum HostOpKind
    {
        PeerOpens,
        LocalOpenRequested,
        CreditGranted,
        HandleCommand,
        StreamEnded,
        EarlyDataRejected,
        TimePasses,
    }

    internal readonly record struct HostOp(HostOpKind Kind, int A, int B)
    {
        public override string ToString() => $"{Kind}({A},{B})";
    }

    private static readonly Gen<HostOp[]> OpsGen = Gen.Sized(size => Gen.ArrayOf(
        from kind in Gen.Frequency(
            (4, Gen.Constant(HostOpKind.PeerOpens)),
            (2, Gen.Constant(HostOpKind.LocalOpenRequested)),
            (1, Gen.Constant(HostOpKind.CreditGranted)),
            (8, Gen.Constant(HostOpKind.HandleCommand)),
            (3, Gen.Constant(HostOpKind.StreamEnded)),
            (1, Gen.Constant(HostOpKind.EarlyDataRejected)),
            (1, Gen.Constant(HostOpKind.TimePasses)))
        from a in Gen.Choose(0, 10_000)
        from b in Gen.Choose(0, 10_000)
        select new HostOp(kind, a, b),
        size * 4));

    [Fact]
    public void Hosted_together_the_bookkeeping_keeps_invariants_1_2_and_5_across_generations()
    {
        Prop.ForAll(OpsGen.ToArbitrary(), ops => new Host().Run(ops))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithEndSize(80));
    }

    private sealed class Host
    {
        private const int InboundLimit = 3;
        private readonly GenerationTracker _tracker = new(9);
        private readonly LeakDetector _leaks = new(TimeSpan.FromSeconds(5));
        private readonly List<StreamHandleStamp> _handles = [];
        private readonly HashSet<StreamHandleStamp> _released = [];
        private readonly List<long> _scratch = [];
        private readonly List<(int Step, StreamHandleStamp Stamp, string What)> _wire = [];
        private readonly Dictionary<int, int> _generationEndedAt = [];
        private StreamCreditLedger _ledger = NewLedger();
        private DatagramFlowTable _flows = new(QuicConnectionRole.Server);
        private long _nextPeer;
        private long _nextLocal;
        private long _nextRequest;
        private TimeSpan _now;
        private int _step;

        private static StreamCreditLedger NewLedger() => new(QuicConnectionRole.Server, StreamDirection.Bidirectional, InboundLimit, outboundMaxStreams: 1);

        public void Run(HostOp[] ops)
        {
            for (_step = 0; _step < ops.Length; _step++)
            {
                try
                {
                    Apply(ops[_step]);
                    Verify();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    throw new InvalidOperationException($"step {_step} {ops[_step]}: {ex.Message}", ex);
                }
            }
        }

        private void Apply(HostOp op)
        {
            switch (op.Kind)
            {
                case HostOpKind.PeerOpens:
                    var peerId = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, _nextPeer);
                    var hadSlot = _ledger.InboundAvailable > 0;
                    var outcome = _ledger.OnPeerStreamOpened(peerId);
                    Assert.Equal(hadSlot ? PeerStreamOpenOutcome.Accepted : PeerStreamOpenOutcome.StreamLimitExceeded, outcome);
                    if (outcome == PeerStreamOpenOutcome.Accepted)
                    {
                        _nextPeer++;
                        Opened(peerId);
                    }

                    break;
                case HostOpKind.LocalOpenRequested:
                    if (_ledger.TryEnqueueOpen(++_nextRequest, _now + TimeSpan.FromSeconds(op.A % 3)) == OutboundOpenOutcome.Proceed)
                    {
                        OpenLocal();
                    }

                    break;
                case HostOpKind.CreditGranted:
                    _scratch.Clear();
                    var proceeding = _ledger.OnCreditGranted(_ledger.OutboundMaxStreams + (op.A % 3), _scratch);
                    for (var i = 0; i < proceeding; i++)
                    {
                        OpenLocal();
                    }

                    break;
                case HostOpKind.HandleCommand when _handles.Count > 0:
                    HandleCommand(_handles[op.A % _handles.Count], op.B % 3);
                    break;
                case HostOpKind.StreamEnded when _handles.Count > 0:
                    var stamp = _handles[op.A % _handles.Count];
                    if (_tracker.IsCurrent(stamp))
                    {
                        ActOnRelease(stamp, _ledger.OnStreamTerminated(stamp.StreamId));
                    }

                    break;
                case HostOpKind.EarlyDataRejected:
                    _generationEndedAt[_tracker.Current.Generation] = _step;
                    _tracker.BeginNextGeneration();

                    // The old generation's streams are discarded without a frame; credit and flows start afresh.
                    _scratch.Clear();
                    _ledger.DrainWaiters(_scratch);
                    _ledger = NewLedger();
                    _flows.Clear();
                    _nextPeer = 0;
                    _nextLocal = 0;
                    break;
                case HostOpKind.TimePasses:
                    _now += TimeSpan.FromSeconds(op.A % 4);
                    _scratch.Clear();
                    _ledger.ExpireWaiters(_now, _scratch);
                    _leaks.Scan(_now, []);
                    break;
            }
        }

        private void OpenLocal()
        {
            var id = QuicStreamId.Create(QuicConnectionRole.Server, StreamDirection.Bidirectional, _nextLocal++);
            Assert.Equal(LocalStreamOpenOutcome.Tracked, _ledger.OnLocalStreamOpened(id));
            Opened(id);
        }

        private void Opened(QuicStreamId id)
        {
            var stamp = _tracker.Stamp(id);
            _handles.Add(stamp);
            Assert.True(_flows.Bind(id));
            _leaks.Unregister(id); // an ID of an earlier generation may still be watched
            _leaks.Register(id, _now, "Send", "Recv");
        }

        private void HandleCommand(StreamHandleStamp stamp, int command)
        {
            var half = command == 1 ? StreamHalf.Receive : StreamHalf.Send;

            // What the same stream ID looks like in the current generation, to prove a stale handle cannot touch it.
            var before = (_ledger.IsHalfTerminal(stamp.StreamId, StreamHalf.Send), _ledger.IsHalfTerminal(stamp.StreamId, StreamHalf.Receive));
            if (!_tracker.TryAdmit(stamp))
            {
                Assert.NotEqual(_tracker.Current.Generation, stamp.Generation);
                Assert.Equal(before, (_ledger.IsHalfTerminal(stamp.StreamId, StreamHalf.Send), _ledger.IsHalfTerminal(stamp.StreamId, StreamHalf.Receive)));
                return;
            }

            if (!_ledger.IsTracked(stamp.StreamId))
            {
                return; // released already: the handle is current but its stream is gone
            }

            // Command 0: CompleteWrites, acknowledged at once; 1: Abort(read) answered by the peer's reset; 2: Abort(write).
            _wire.Add((_step, stamp, command switch { 0 => "FIN", 1 => "STOP_SENDING", _ => "RESET_STREAM" }));
            if (half == StreamHalf.Send)
            {
                _flows.OnHalfClosed(stamp.StreamId, StreamHalf.Send);
            }

            _flows.OnHalfTerminal(stamp.StreamId, half);
            ActOnRelease(stamp, _ledger.OnHalfTerminal(stamp.StreamId, half));
        }

        private void ActOnRelease(StreamHandleStamp stamp, StreamReleaseDecision decision)
        {
            if (decision != StreamReleaseDecision.Release)
            {
                return;
            }

            Assert.True(_released.Add(stamp), $"{stamp} released twice");
            Assert.True(_leaks.Unregister(stamp.StreamId));
            _wire.Add((_step, stamp, "RELEASE"));
        }

        private void Verify()
        {
            // Invariants 1 and 2 (and the ledger's own bookkeeping).
            _ledger.AssertInvariants();
            Assert.Equal(InboundLimit, _ledger.InboundInUse + _ledger.InboundAvailable);

            // Invariant 5: nothing of an ended generation reached the wire after it ended.
            foreach (var (step, stamp, what) in _wire)
            {
                if (_generationEndedAt.TryGetValue(stamp.Generation, out var end))
                {
                    Assert.True(step <= end, $"{what} for {stamp} at step {step}, after its generation ended at step {end}");
                }
            }

            // A live stream's flow exists exactly while the stream has a half that is not terminal.
            Assert.True(_flows.ActiveFlows <= _ledger.LiveStreamCount);
        }
    }
}
