using FsCheck;
using FsCheck.Fluent;
using QuicActors.Streams;
using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Streams.Lifecycle;

/// <summary>
/// Random sequences of peer opens, half and stream terminations, open requests, MAX_STREAMS grants, expiries and
/// cancellations, replayed against the ledger and against a naive model. After every step: invariant 1 (credit
/// conservation), invariant 2 (a slot released exactly once, only when every half and the stream have terminated) and
/// the FIFO order of waiting opens.
/// </summary>
public sealed class StreamCreditLedgerPropertyTests
{
    internal enum OpKind
    {
        PeerOpenNext,
        PeerOpenAny,
        HalfTerminal,
        StreamTerminated,
        RequestOpen,
        GrantCredit,
        AdvanceAndExpire,
        CancelOpen,
        LocalOpened,
    }

    internal readonly record struct Op(OpKind Kind, int A, int B)
    {
        public override string ToString() => $"{Kind}({A},{B})";
    }

    internal sealed record Scenario(QuicConnectionRole Role, StreamDirection Direction, int Limit, int InitialOutbound, int MaxWaiting, Op[] Ops)
    {
        public override string ToString() =>
            $"{Role} {Direction} limit {Limit} outbound {InitialOutbound} maxWaiting {MaxWaiting}: {string.Join(' ', Ops)}";
    }

    private static readonly Gen<Op> OpGen =
        from kind in Gen.Frequency(
            (4, Gen.Constant(OpKind.PeerOpenNext)),
            (1, Gen.Constant(OpKind.PeerOpenAny)),
            (5, Gen.Constant(OpKind.HalfTerminal)),
            (3, Gen.Constant(OpKind.StreamTerminated)),
            (3, Gen.Constant(OpKind.RequestOpen)),
            (2, Gen.Constant(OpKind.GrantCredit)),
            (2, Gen.Constant(OpKind.AdvanceAndExpire)),
            (1, Gen.Constant(OpKind.CancelOpen)),
            (2, Gen.Constant(OpKind.LocalOpened)))
        from a in Gen.Choose(0, 1000)
        from b in Gen.Choose(0, 1000)
        select new Op(kind, a, b);

    private static readonly Gen<Scenario> ScenarioGen =
        from role in Gen.Elements(QuicConnectionRole.Client, QuicConnectionRole.Server)
        from direction in Gen.Elements(StreamDirection.Bidirectional, StreamDirection.Unidirectional)
        from limit in Gen.Choose(0, 6)
        from outbound in Gen.Choose(0, 3)
        from maxWaiting in Gen.Elements(0, 1, 3, int.MaxValue)
        from ops in Gen.Sized(size => Gen.ArrayOf(OpGen, size * 3))
        select new Scenario(role, direction, limit, outbound, maxWaiting, ops);

    [Fact]
    public void Random_event_sequences_keep_credit_conserved_and_release_each_slot_exactly_once()
    {
        Prop.ForAll(ScenarioGen.ToArbitrary(), scenario => new Model(scenario).Run())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(1000).WithEndSize(60));
    }

    private sealed class Model(Scenario scenario)
    {
        private sealed class ModelStream
        {
            public bool HasSend;
            public bool HasReceive;
            public bool SendTerminal;
            public bool ReceiveTerminal;
            public bool Terminated;
            public bool Peer;
        }

        private readonly StreamCreditLedger _ledger = new(scenario.Role, scenario.Direction, scenario.Limit, scenario.InitialOutbound, scenario.MaxWaiting);
        private readonly QuicConnectionRole _peerRole = scenario.Role == QuicConnectionRole.Client ? QuicConnectionRole.Server : QuicConnectionRole.Client;
        private readonly Dictionary<QuicStreamId, ModelStream> _live = [];
        private readonly HashSet<QuicStreamId> _released = [];
        private readonly List<(long Id, TimeSpan Deadline)> _queue = [];
        private readonly List<long> _scratch = [];
        private long _nextPeer;
        private long _inboundReleased;
        private long _outboundMax = scenario.InitialOutbound;
        private long _reserved;
        private long _nextLocal;
        private long _nextRequest;
        private TimeSpan _now;

        public void Run()
        {
            for (var step = 0; step < scenario.Ops.Length; step++)
            {
                var op = scenario.Ops[step];
                try
                {
                    Apply(op);
                    Verify();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    throw new InvalidOperationException($"step {step} {op} failed: {ex.Message}", ex);
                }
            }
        }

        private void Apply(Op op)
        {
            switch (op.Kind)
            {
                case OpKind.PeerOpenNext:
                    PeerOpen(_nextPeer);
                    break;
                case OpKind.PeerOpenAny:
                    PeerOpen(op.A % (_nextPeer + 3));
                    break;
                case OpKind.HalfTerminal:
                    HalfTerminal(PickStream(op.A), op.B % 2 == 0 ? StreamHalf.Send : StreamHalf.Receive);
                    break;
                case OpKind.StreamTerminated:
                    StreamTerminated(PickStream(op.A));
                    break;
                case OpKind.RequestOpen:
                    // Half of the opens share one timeout, as a service's opens do: their deadlines come in queue order.
                    RequestOpen(TimeSpan.FromMilliseconds(op.B % 2 == 0 ? 30 : op.A % 50));
                    break;
                case OpKind.GrantCredit:
                    GrantCredit(Math.Max(0, _outboundMax + (op.A % 4) - 1));
                    break;
                case OpKind.AdvanceAndExpire:
                    Expire(TimeSpan.FromMilliseconds(op.A % 20));
                    break;
                case OpKind.CancelOpen:
                    Cancel(op.A);
                    break;
                case OpKind.LocalOpened:
                    LocalOpened(op.A % 5 == 0);
                    break;
                default:
                    throw new InvalidOperationException($"unknown op {op}");
            }
        }

        private void PeerOpen(long index)
        {
            var id = QuicStreamId.Create(_peerRole, scenario.Direction, index);
            var expected =
                index >= scenario.Limit + _inboundReleased ? PeerStreamOpenOutcome.StreamLimitExceeded
                : index < _nextPeer ? PeerStreamOpenOutcome.AlreadyOpened
                : index > _nextPeer ? PeerStreamOpenOutcome.OutOfOrder
                : PeerStreamOpenOutcome.Accepted;
            Assert.Equal(expected, _ledger.OnPeerStreamOpened(id));
            if (expected == PeerStreamOpenOutcome.Accepted)
            {
                _nextPeer++;
                _live.Add(id, new ModelStream { HasSend = id.HasSendHalf(scenario.Role), HasReceive = id.HasReceiveHalf(scenario.Role), Peer = true });
            }
        }

        private QuicStreamId PickStream(int a)
        {
            // Mostly live streams; sometimes a released one, to check that nothing is released twice.
            if (_released.Count > 0 && (a % 7 == 0 || _live.Count == 0))
            {
                return _released.ElementAt(a % _released.Count);
            }

            return _live.Count > 0
                ? _live.Keys.ElementAt(a % _live.Count)
                : QuicStreamId.Create(_peerRole, scenario.Direction, 500 + a);
        }

        private void HalfTerminal(QuicStreamId id, StreamHalf half)
        {
            var actual = _ledger.OnHalfTerminal(id, half);
            if (!_live.TryGetValue(id, out var stream))
            {
                Assert.Equal(StreamReleaseDecision.UnknownStream, actual);
                return;
            }

            if (half == StreamHalf.Send ? !stream.HasSend : !stream.HasReceive)
            {
                Assert.Equal(StreamReleaseDecision.NoSuchHalf, actual);
                return;
            }

            if (half == StreamHalf.Send)
            {
                stream.SendTerminal = true;
            }
            else
            {
                stream.ReceiveTerminal = true;
            }

            ExpectRelease(id, stream, actual);
        }

        private void StreamTerminated(QuicStreamId id)
        {
            var actual = _ledger.OnStreamTerminated(id);
            if (!_live.TryGetValue(id, out var stream))
            {
                Assert.Equal(StreamReleaseDecision.UnknownStream, actual);
                return;
            }

            stream.Terminated = true;
            ExpectRelease(id, stream, actual);
        }

        private void ExpectRelease(QuicStreamId id, ModelStream stream, StreamReleaseDecision actual)
        {
            var done = stream.Terminated && (stream.SendTerminal || !stream.HasSend) && (stream.ReceiveTerminal || !stream.HasReceive);
            Assert.Equal(done ? StreamReleaseDecision.Release : StreamReleaseDecision.Pending, actual);
            if (done)
            {
                Assert.True(_released.Add(id), $"stream {id} released twice");
                _live.Remove(id);
                if (stream.Peer)
                {
                    _inboundReleased++;
                }
            }
        }

        private void RequestOpen(TimeSpan wait)
        {
            var id = ++_nextRequest;
            var expected =
                _queue.Count == 0 && _reserved < _outboundMax ? OutboundOpenOutcome.Proceed
                : _queue.Count >= scenario.MaxWaiting ? OutboundOpenOutcome.QueueFull
                : OutboundOpenOutcome.Queued;
            Assert.Equal(expected, _ledger.TryEnqueueOpen(id, _now + wait));
            if (expected == OutboundOpenOutcome.Proceed)
            {
                _reserved++;
            }
            else if (expected == OutboundOpenOutcome.Queued)
            {
                _queue.Add((id, _now + wait));
            }
        }

        private void GrantCredit(long maxStreams)
        {
            var expected = new List<long>();
            if (maxStreams > _outboundMax)
            {
                _outboundMax = maxStreams;
                while (_reserved < _outboundMax && _queue.Count > 0)
                {
                    expected.Add(_queue[0].Id);
                    _queue.RemoveAt(0);
                    _reserved++;
                }
            }

            _scratch.Clear();
            Assert.Equal(expected.Count, _ledger.OnCreditGranted(maxStreams, _scratch));
            Assert.Equal(expected, _scratch);
        }

        private void Expire(TimeSpan advance)
        {
            _now += advance;
            var expected = new List<long>();
            for (var i = 0; i < _queue.Count; i++)
            {
                if (_queue[i].Deadline <= _now)
                {
                    expected.Add(_queue[i].Id);
                    _queue.RemoveAt(i--);
                }
            }

            _scratch.Clear();
            Assert.Equal(expected.Count, _ledger.ExpireWaiters(_now, _scratch));
            Assert.Equal(expected, _scratch);
            TimeSpan? earliest = _queue.Count == 0 ? null : _queue.Min(w => w.Deadline);
            Assert.Equal(earliest, _ledger.NextWaiterDeadline);
        }

        private void Cancel(int a)
        {
            // Half of the time a queued request, otherwise any ID (perhaps one that proceeded or expired).
            long id = _queue.Count > 0 && a % 2 == 0 ? _queue[a % _queue.Count].Id : a % (_nextRequest + 2);
            var index = _queue.FindIndex(w => w.Id == id);
            Assert.Equal(index >= 0, _ledger.TryCancelOpen(id));
            if (index >= 0)
            {
                _queue.RemoveAt(index);
            }
        }

        private void LocalOpened(bool beyondReservation)
        {
            var index = beyondReservation ? _reserved : _nextLocal;
            var id = QuicStreamId.Create(scenario.Role, scenario.Direction, index);
            var actual = _ledger.OnLocalStreamOpened(id);
            if (index >= _reserved)
            {
                Assert.Equal(LocalStreamOpenOutcome.NotReserved, actual);
                return;
            }

            Assert.Equal(LocalStreamOpenOutcome.Tracked, actual);
            _nextLocal++;
            _live.Add(id, new ModelStream { HasSend = id.HasSendHalf(scenario.Role), HasReceive = id.HasReceiveHalf(scenario.Role) });
        }

        private void Verify()
        {
            _ledger.AssertInvariants();
            var peerLive = _live.Values.Count(s => s.Peer);
            Assert.Equal(scenario.Limit, _ledger.InboundInUse + _ledger.InboundAvailable);
            Assert.Equal(peerLive, _ledger.InboundInUse);
            Assert.Equal(_inboundReleased, _ledger.InboundReleased);
            Assert.Equal(_live.Count, _ledger.LiveStreamCount);
            Assert.Equal(_queue.Count, _ledger.WaitingOpenCount);
            Assert.Equal(_reserved, _ledger.OutboundOpened);
            Assert.Equal(_outboundMax, _ledger.OutboundMaxStreams);
            TimeSpan? earliest = _queue.Count == 0 ? null : _queue.Min(w => w.Deadline);
            Assert.Equal(earliest, _ledger.NextWaiterDeadline);
        }
    }
}
