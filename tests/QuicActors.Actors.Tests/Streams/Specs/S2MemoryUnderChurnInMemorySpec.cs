using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>S2 on the in-memory engine, on virtual time.</summary>
[Collection(S2MemoryUnderChurnCollection.Name)]
public sealed class S2MemoryUnderChurnInMemorySpec(ITestOutputHelper output) : S2MemoryUnderChurnSpec(output, useVirtualTime: true)
{
    private protected override SpecEngine CreateEngine() => SpecEngine.InMemory(VirtualTime!);
}
