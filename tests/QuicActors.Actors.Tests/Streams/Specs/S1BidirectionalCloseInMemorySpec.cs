using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>S1 on the in-memory engine, on virtual time.</summary>
public sealed class S1BidirectionalCloseInMemorySpec(ITestOutputHelper output) : S1BidirectionalCloseSpec(output, useVirtualTime: true)
{
    protected override int Streams => 1000;

    private protected override SpecEngine CreateEngine() => SpecEngine.InMemory(VirtualTime!);
}
