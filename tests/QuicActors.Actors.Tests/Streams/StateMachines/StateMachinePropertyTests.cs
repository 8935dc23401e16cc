using FsCheck;
using FsCheck.Fluent;
using QuicActors.Streams;

namespace QuicActors.Actors.Tests.Streams.StateMachines;

/// <summary>
/// Random event sequences (RFC 9000 §3): every transition is an allowed edge, terminal states absorb, and each
/// transition is reported exactly once. Also exhaustive reachability of every state.
/// </summary>
public sealed class StateMachinePropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(1000);

    private static readonly Gen<SendEvent> SendEvents =
        from kind in Gen.Elements(Enum.GetValues<SendEventKind>())
        from code in Gen.Choose(0, 100)
        select new SendEvent(kind, kind is SendEventKind.LocalAbort or SendEventKind.PeerStopSending ? (ulong)code : 0);

    private static readonly Gen<ReceiveEvent> ReceiveEvents =
        from kind in Gen.Elements(Enum.GetValues<ReceiveEventKind>())
        from code in Gen.Choose(0, 100)
        select new ReceiveEvent(kind, kind is ReceiveEventKind.PeerReset or ReceiveEventKind.LocalStopSending ? (ulong)code : 0);

    [Fact]
    public void Random_send_events_only_take_RFC_edges_and_report_each_transition_once()
    {
        Check.One(Runs, Prop.ForAll(Arb.From(Gen.ArrayOf(SendEvents)), (SendEvent[] events) =>
        {
            var state = SendState.Ready;
            var run = new List<Transition<SendState>>();
            foreach (var @event in events)
            {
                var step = SendStateMachine.Apply(state, @event);
                StepAssert.Send(state, step);
                if (step.Action.Kind == StreamActionKind.SendResetStream)
                {
                    // §3.5: the RESET_STREAM carries the code of the abort or of the STOP_SENDING.
                    Assert.Equal(@event.ErrorCode, step.Action.ErrorCode);
                    Assert.Equal(SendState.ResetSent, step.State);
                }

                run.AddRange(Enumerate(step.Transitions));
                state = step.State;
            }

            StepAssert.ReportedOnce(SendState.Ready, run, state);
        }));
    }

    [Fact]
    public void Random_receive_events_only_take_RFC_edges_and_report_each_transition_once()
    {
        Check.One(Runs, Prop.ForAll(Arb.From(Gen.ArrayOf(ReceiveEvents)), (ReceiveEvent[] events) =>
        {
            var state = ReceiveState.Recv;
            var run = new List<Transition<ReceiveState>>();
            foreach (var @event in events)
            {
                var step = ReceiveStateMachine.Apply(state, @event);
                StepAssert.Receive(state, step);
                if (step.Action.Kind == StreamActionKind.SendStopSending)
                {
                    // §3.5: STOP_SENDING only while the data or the reset is still to come.
                    Assert.Equal(ReceiveEventKind.LocalStopSending, @event.Kind);
                    Assert.True(state is ReceiveState.Recv or ReceiveState.SizeKnown);
                }

                run.AddRange(Enumerate(step.Transitions));
                state = step.State;
            }

            StepAssert.ReportedOnce(ReceiveState.Recv, run, state);
        }));
    }

    [Fact]
    public void Terminal_states_absorb_every_event()
    {
        foreach (var terminal in RfcStreamEdges.SendTerminals)
        {
            Assert.True(SendStateMachine.IsTerminal(terminal));
            foreach (var kind in Enum.GetValues<SendEventKind>())
            {
                var step = SendStateMachine.Apply(terminal, new SendEvent(kind, 1));
                Assert.Equal(terminal, step.State);
                Assert.False(step.Changed);
                Assert.Equal(StreamActionKind.None, step.Action.Kind);
            }
        }

        foreach (var terminal in RfcStreamEdges.ReceiveTerminals)
        {
            Assert.True(ReceiveStateMachine.IsTerminal(terminal));
            foreach (var kind in Enum.GetValues<ReceiveEventKind>())
            {
                var step = ReceiveStateMachine.Apply(terminal, new ReceiveEvent(kind, 1));
                Assert.Equal(terminal, step.State);
                Assert.False(step.Changed);
                Assert.Equal(StreamActionKind.None, step.Action.Kind);
            }
        }

        Assert.Equal(RfcStreamEdges.SendTerminals.Order(), Enum.GetValues<SendState>().Where(SendStateMachine.IsTerminal).Order());
        Assert.Equal(RfcStreamEdges.ReceiveTerminals.Order(), Enum.GetValues<ReceiveState>().Where(ReceiveStateMachine.IsTerminal).Order());
    }

    [Fact]
    public void Every_send_state_is_reachable_and_every_RFC_edge_is_taken()
    {
        var (reached, edges) = Explore(SendState.Ready,
            Enum.GetValues<SendEventKind>().Select(kind => new SendEvent(kind, 7)), SendStateMachine.Apply);

        Assert.Equal(Enum.GetValues<SendState>().ToHashSet(), reached);
        Assert.Equal(RfcStreamEdges.Send.Keys.ToHashSet(), edges);
    }

    [Fact]
    public void Every_receive_state_is_reachable_and_every_mandatory_RFC_edge_is_taken()
    {
        var (reached, edges) = Explore(ReceiveState.Recv,
            Enum.GetValues<ReceiveEventKind>().Select(kind => new ReceiveEvent(kind, 7)), ReceiveStateMachine.Apply);

        Assert.Equal(Enum.GetValues<ReceiveState>().ToHashSet(), reached);
        Assert.Equal(RfcStreamEdges.Receive.Keys.Except(RfcStreamEdges.OptionalReceiveEdges).ToHashSet(), edges);
    }

    [Fact]
    public void Apply_does_not_allocate()
    {
        var sendEvents = Enum.GetValues<SendEventKind>().Select(kind => new SendEvent(kind, 3)).ToArray();
        var receiveEvents = Enum.GetValues<ReceiveEventKind>().Select(kind => new ReceiveEvent(kind, 3)).ToArray();
        var sendStates = Enum.GetValues<SendState>();
        var receiveStates = Enum.GetValues<ReceiveState>();
        RunAll();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var transitions = RunAll();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(transitions > 0);
        Assert.Equal(0, allocated);

        int RunAll()
        {
            var count = 0;
            for (var round = 0; round < 100; round++)
            {
                foreach (var state in sendStates)
                {
                    foreach (var @event in sendEvents)
                    {
                        count += SendStateMachine.Apply(state, @event).Transitions.Count;
                    }
                }

                foreach (var state in receiveStates)
                {
                    foreach (var @event in receiveEvents)
                    {
                        count += ReceiveStateMachine.Apply(state, @event).Transitions.Count;
                    }
                }
            }

            return count;
        }
    }

    private static (HashSet<TState> Reached, HashSet<(TState, TState)> Edges) Explore<TState, TEvent>(
        TState initial, IEnumerable<TEvent> events, Func<TState, TEvent, StepResult<TState>> apply)
        where TState : struct, Enum
    {
        var reached = new HashSet<TState> { initial };
        var edges = new HashSet<(TState, TState)>();
        var frontier = new Queue<TState>([initial]);
        var eventList = events.ToList();
        while (frontier.TryDequeue(out var state))
        {
            foreach (var @event in eventList)
            {
                foreach (var transition in Enumerate(apply(state, @event).Transitions))
                {
                    edges.Add((transition.From, transition.To));
                    if (reached.Add(transition.To))
                    {
                        frontier.Enqueue(transition.To);
                    }
                }
            }
        }

        return (reached, edges);
    }

    internal static List<Transition<TState>> Enumerate<TState>(TransitionList<TState> list)
        where TState : struct, Enum
    {
        var result = new List<Transition<TState>>(list.Count);
        foreach (var transition in list)
        {
            result.Add(transition);
        }

        return result;
    }
}
