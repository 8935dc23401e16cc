namespace QuicActors.Kernel;

/// <summary>
/// An immutable recipe for an actor: how to make an instance (used again on every restart) plus its
/// dispatcher and supervision settings.
/// </summary>
/// <param name="ActorType">The type the factory produces (for diagnostics).</param>
/// <param name="Factory">Makes a new instance; called on start and on every restart.</param>
public sealed record Props(Type ActorType, Func<ActorBase> Factory)
{
    /// <summary>
    /// Messages processed per turn on a thread-pool thread before the mailbox yields the thread;
    /// <see langword="null"/> takes <see cref="ActorSystemSettings.Throughput"/>.
    /// </summary>
    public int? Throughput { get; init; }

    /// <summary>
    /// Which threads run the actor's turns; <see langword="null"/> takes <see cref="ActorSystemSettings.Dispatcher"/>.
    /// </summary>
    public DispatcherKind? Dispatcher { get; init; }

    /// <summary>Overrides the actor's own <see cref="ActorBase.SupervisorStrategy"/> for its children.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; init; }

    /// <summary>Props for <typeparamref name="TActor"/> made by its parameterless constructor.</summary>
    public static Props Create<TActor>() where TActor : ActorBase, new() => new(typeof(TActor), static () => new TActor());

    /// <summary>Props for <typeparamref name="TActor"/> made by <paramref name="factory"/>.</summary>
    public static Props Create<TActor>(Func<TActor> factory) where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new(typeof(TActor), factory);
    }

    /// <summary>A copy with a different throughput.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="throughput"/> is less than 1.</exception>
    public Props WithThroughput(int throughput)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(throughput, 1);
        return this with { Throughput = throughput };
    }

    /// <summary>A copy that runs on <paramref name="dispatcher"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dispatcher"/> is not a defined <see cref="DispatcherKind"/>.</exception>
    public Props WithDispatcher(DispatcherKind dispatcher)
    {
        if (!Enum.IsDefined(dispatcher)) throw new ArgumentOutOfRangeException(nameof(dispatcher), dispatcher, "Unknown dispatcher kind.");
        return this with { Dispatcher = dispatcher };
    }

    /// <summary>A copy whose children are supervised by <paramref name="strategy"/>.</summary>
    public Props WithSupervisorStrategy(SupervisorStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return this with { SupervisorStrategy = strategy };
    }
}
