namespace QuicActors.Transport.InMemory;

/// <summary>
/// Faults for the in-memory wire of the connections an engine makes as a client. Random choices draw from
/// <see cref="InMemoryEngineOptions.Seed"/>, so the same seed gives the same run.
/// </summary>
/// <remarks>
/// Delays reorder frames across streams and within a stream; the receiver reassembles stream data by offset
/// (RFC 9000 §2.2), so the bytes the application sees stay in order. Handshake frames are never overtaken by later
/// frames of the same direction, as 0-RTT packets that arrive before the ClientHello would be buffered by a server.
/// </remarks>
public sealed record FaultPlan
{
    /// <summary>The probability, 0 to 1, that a frame is delayed.</summary>
    public double DelayProbability { get; init; }

    /// <summary>The shortest delay of a delayed frame.</summary>
    public TimeSpan MinDelay { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The longest delay of a delayed frame.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Peer actions to inject at exact points.</summary>
    public IReadOnlyList<FaultInjection> Injections { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        if (DelayProbability is < 0 or > 1 || double.IsNaN(DelayProbability))
            throw new ArgumentException($"{nameof(FaultPlan)}.{nameof(DelayProbability)} = {DelayProbability}: must be in 0..1.", nameof(DelayProbability));
        if (MinDelay < TimeSpan.Zero)
            throw new ArgumentException($"{nameof(FaultPlan)}.{nameof(MinDelay)} = {MinDelay}: must not be negative.", nameof(MinDelay));
        if (MaxDelay < MinDelay)
            throw new ArgumentException($"{nameof(FaultPlan)}.{nameof(MaxDelay)} = {MaxDelay}: must not be less than {nameof(MinDelay)} ({MinDelay}).", nameof(MaxDelay));
        if (Injections is null)
            throw new ArgumentException($"{nameof(FaultPlan)}.{nameof(Injections)} must not be null.", nameof(Injections));
        for (var i = 0; i < Injections.Count; i++)
        {
            Injections[i].Validate($"{nameof(FaultPlan)}.{nameof(Injections)}[{i}]");
        }
    }
}
