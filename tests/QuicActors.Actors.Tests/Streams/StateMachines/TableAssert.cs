using QuicActors.Streams;

namespace QuicActors.Actors.Tests.Streams.StateMachines;

internal static class TableAssert
{
    /// <summary>
    /// Checks <paramref name="actual"/> against "To:Cause To:Cause" starting at <paramref name="from"/>, and that the
    /// final state is the last target (or <paramref name="from"/> when nothing moved).
    /// </summary>
    public static void Transitions<TState>(
        TState from, string expected, TransitionList<TState> actual, TState finalState, ulong code)
        where TState : struct, Enum
    {
        var steps = expected.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(step => step.Split(':'))
            .Select(parts => (To: Enum.Parse<TState>(parts[0]), Cause: Enum.Parse<TransitionCause>(parts[1])))
            .ToList();

        Assert.True(steps.Count == actual.Count, $"expected [{expected}], got {actual}");
        var current = from;
        for (var i = 0; i < steps.Count; i++)
        {
            var transition = actual[i];
            Assert.Equal(current, transition.From);
            Assert.Equal(steps[i].To, transition.To);
            Assert.Equal(steps[i].Cause, transition.Cause);
            Assert.Equal(RfcStreamEdges.CarriesErrorCode(transition.Cause) ? code : null, transition.ErrorCode);
            current = transition.To;
        }

        Assert.Equal(current, finalState);
    }
}
