using QuicActors.Streams;

namespace QuicActors.Actors.Tests.Streams.StateMachines;

/// <summary>Checks every step and whole runs against the RFC edge set, independently of the implementation.</summary>
internal static class StepAssert
{
    public static void Send(SendState before, StepResult<SendState> step) =>
        Step(before, step, RfcStreamEdges.IsAllowed, s => RfcStreamEdges.SendTerminals.Contains(s));

    public static void Receive(ReceiveState before, StepResult<ReceiveState> step) =>
        Step(before, step, RfcStreamEdges.IsAllowed, s => RfcStreamEdges.ReceiveTerminals.Contains(s));

    /// <summary>
    /// Every transition of the run, concatenated, is one path from <paramref name="initial"/>: nothing missed,
    /// nothing reported twice, no state entered twice.
    /// </summary>
    public static void ReportedOnce<TState>(TState initial, IReadOnlyList<Transition<TState>> run, TState final)
        where TState : struct, Enum
    {
        var visited = new HashSet<TState> { initial };
        var current = initial;
        foreach (var transition in run)
        {
            Assert.Equal(current, transition.From);
            Assert.True(visited.Add(transition.To), $"state {transition.To} entered twice in [{string.Join(", ", run)}]");
            current = transition.To;
        }

        Assert.Equal(final, current);
    }

    private static void Step<TState>(
        TState before, StepResult<TState> step, Func<Transition<TState>, bool> allowed, Func<TState, bool> isTerminal)
        where TState : struct, Enum
    {
        var comparer = EqualityComparer<TState>.Default;
        Assert.Equal(step.IsFailure, step.Error != StreamError.None);
        if (step.IsFailure)
        {
            Assert.Equal(StreamActionKind.None, step.Action.Kind);
        }

        if (step.Kind != StepKind.Transitioned)
        {
            Assert.Equal(0, step.Transitions.Count);
            Assert.Equal(before, step.State);
            return;
        }

        Assert.False(isTerminal(before), $"terminal {before} left by {step}");
        Assert.InRange(step.Transitions.Count, 1, TransitionList<TState>.Capacity);
        var current = before;
        foreach (var transition in step.Transitions)
        {
            Assert.Equal(current, transition.From);
            Assert.False(isTerminal(transition.From), $"{transition} leaves a terminal state");
            Assert.False(comparer.Equals(transition.From, transition.To), $"{transition} is not a change");
            Assert.True(allowed(transition), $"{transition} is not an RFC 9000 §3 edge");
            current = transition.To;
        }

        Assert.Equal(current, step.State);
    }
}
