namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>Tests that measure process memory (managed heap, RSS) run with no other test class in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "memory measuring";
}
