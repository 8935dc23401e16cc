using QuicActors.Kernel.Internal;

namespace QuicActors.Kernel;

/// <summary>
/// Decides what happens to a failed child (<see cref="OneForOneStrategy"/>, <see cref="AllForOneStrategy"/>).
/// Restarts are limited to <see cref="MaxNrOfRetries"/> within <see cref="WithinTimeRange"/>; past the limit
/// the child is stopped.
/// </summary>
public abstract class SupervisorStrategy
{
    /// <summary>Creates a strategy.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed per child; negative means unlimited, 0 means none.</param>
    /// <param name="withinTimeRange">The window the retries are counted in; <see langword="null"/> means forever.</param>
    /// <param name="decider">Maps an exception to a directive; <see langword="null"/> means <see cref="DefaultDecider"/>.</param>
    protected SupervisorStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive>? decider)
    {
        if (withinTimeRange is { } w && w <= TimeSpan.Zero && w != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(withinTimeRange), w, "The retry window must be positive (or null for none).");
        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange == Timeout.InfiniteTimeSpan ? null : withinTimeRange;
        Decider = decider ?? DefaultDecider;
    }

    /// <summary>Restarts allowed per child within <see cref="WithinTimeRange"/>; negative means unlimited.</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>The window retries are counted in, or <see langword="null"/>.</summary>
    public TimeSpan? WithinTimeRange { get; }

    /// <summary>Maps an exception to a directive.</summary>
    public Func<Exception, Directive> Decider { get; }

    /// <summary>
    /// Akka's default: <see cref="ActorInitializationException"/>, <see cref="ActorKilledException"/> and
    /// <see cref="DeathPactException"/> stop the child; any other exception restarts it.
    /// </summary>
    public static Directive DefaultDecider(Exception exception) => exception switch
    {
        ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>One-for-one, unlimited restarts, <see cref="DefaultDecider"/>.</summary>
    public static SupervisorStrategy DefaultStrategy { get; } = new OneForOneStrategy(-1, null, DefaultDecider);

    /// <summary>One-for-one, every failure stops the child.</summary>
    public static SupervisorStrategy StoppingStrategy { get; } = new OneForOneStrategy(-1, null, static _ => Directive.Stop);

    /// <summary><see langword="true"/> when a directive applies to all children, not only the failed one.</summary>
    internal abstract bool AppliesToAllChildren { get; }

    /// <summary>Counts a restart of a child and says whether it is within the limit.</summary>
    internal bool RequestRestartPermission(ChildRestartStats stats, long nowTimestamp, TimeProvider time)
    {
        if (MaxNrOfRetries == 0) return false;
        if (WithinTimeRange is not { } window)
        {
            stats.Count++;
            return MaxNrOfRetries < 0 || stats.Count <= MaxNrOfRetries;
        }
        var retries = MaxNrOfRetries < 0 ? 1 : MaxNrOfRetries;
        if (stats.Count == 0) stats.WindowStart = nowTimestamp;
        stats.Count++;
        if (time.GetElapsedTime(stats.WindowStart, nowTimestamp) <= window) return MaxNrOfRetries < 0 || stats.Count <= retries;
        stats.Count = 1;
        stats.WindowStart = nowTimestamp;
        return true;
    }
}
