namespace QuicActors.Kernel;

/// <summary>Applies the directive to the failed child only.</summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    /// <inheritdoc cref="SupervisorStrategy(int, TimeSpan?, Func{Exception, Directive}?)" />
    public OneForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive>? decider)
        : base(maxNrOfRetries, withinTimeRange, decider) { }

    /// <summary>Unlimited retries with <paramref name="decider"/>.</summary>
    public OneForOneStrategy(Func<Exception, Directive> decider) : base(-1, null, decider) { }

    internal override bool AppliesToAllChildren => false;
}
