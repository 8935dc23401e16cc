using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>S4 on the in-memory engine, on virtual time.</summary>
public sealed class S4ZeroRttRejectionInMemorySpec(ITestOutputHelper output) : S4ZeroRttRejectionSpec(output, useVirtualTime: true)
{
    private protected override SpecEngine CreateEngine() => SpecEngine.InMemory(VirtualTime!);
}
