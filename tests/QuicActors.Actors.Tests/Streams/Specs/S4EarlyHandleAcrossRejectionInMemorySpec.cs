using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>The early-handle window of S4 on the in-memory engine, on virtual time.</summary>
public sealed class S4EarlyHandleAcrossRejectionInMemorySpec(ITestOutputHelper output) : S4EarlyHandleAcrossRejectionSpec(output, useVirtualTime: true)
{
    private protected override SpecEngine CreateEngine() => SpecEngine.InMemory(VirtualTime!);
}
