namespace QuicActors.Kernel;

/// <summary>
/// Applies Restart and Stop to all children when one fails (Resume resumes only the failed child).
/// </summary>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    /// <inheritdoc cref="SupervisorStrategy(int, TimeSpan?, Func{Exception, Directive}?)" />
    public AllForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive>? decider)
        : base(maxNrOfRetries, withinTimeRange, decider) { }

    /// <summary>Unlimited retries with <paramref name="decider"/>.</summary>
    public AllForOneStrategy(Func<Exception, Directive> decider) : base(-1, null, decider) { }

    internal override bool AppliesToAllChildren => true;
}
