namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>S2 measures the managed heap, so it runs with no other test class in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class S2MemoryUnderChurnCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "S2 memory under churn";
}
