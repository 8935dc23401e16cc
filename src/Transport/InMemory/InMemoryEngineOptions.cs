namespace QuicActors.Transport.InMemory;

/// <summary>How an <see cref="InMemoryQuicEngine"/> runs: its clock, its network, its seed and its faults.</summary>
public sealed record InMemoryEngineOptions
{
    /// <summary>The clock for idle timeouts, handshake timeouts and delayed frames; a virtual clock makes runs reproducible.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The network listeners bind to and clients connect through; engines reach each other only on the same network.
    /// Defaults to <see cref="InMemoryNetwork.Shared"/>, so two engines made with default options can talk.
    /// </summary>
    public InMemoryNetwork Network { get; init; } = InMemoryNetwork.Shared;

    /// <summary>
    /// The seed of every random choice the engine makes (which frames the <see cref="FaultPlan"/> delays, and by how much).
    /// Connection N of the engine draws from its own generator seeded from this value and N, so the same seed and the
    /// same sequence of commands give the same run.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>
    /// How long the server's handshake answer takes to reach a client that sent 0-RTT: the window in which the client's
    /// early data is really early. Other handshakes complete at once. On a virtual clock, a test opens its early
    /// streams and then advances the clock past this to complete the handshake.
    /// </summary>
    public TimeSpan EarlyDataRoundTrip { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Faults to inject on the connections this engine makes as a client; null for a perfect wire.</summary>
    public FaultPlan? FaultPlan { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        if (TimeProvider is null) throw new ArgumentException($"{nameof(InMemoryEngineOptions)}.{nameof(TimeProvider)} must not be null.", nameof(TimeProvider));
        if (Network is null) throw new ArgumentException($"{nameof(InMemoryEngineOptions)}.{nameof(Network)} must not be null.", nameof(Network));
        if (EarlyDataRoundTrip < TimeSpan.Zero)
            throw new ArgumentException($"{nameof(InMemoryEngineOptions)}.{nameof(EarlyDataRoundTrip)} = {EarlyDataRoundTrip}: must not be negative.", nameof(EarlyDataRoundTrip));
        FaultPlan?.Validate();
    }
}
