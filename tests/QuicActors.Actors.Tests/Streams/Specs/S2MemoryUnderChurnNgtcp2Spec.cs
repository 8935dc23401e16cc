using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>S2 on the ngtcp2 engine, both ends ours, over loopback UDP in real time.</summary>
[Collection(S2MemoryUnderChurnCollection.Name)]
public sealed class S2MemoryUnderChurnNgtcp2Spec(ITestOutputHelper output) : S2MemoryUnderChurnSpec(output, useVirtualTime: false)
{
    private protected override SpecEngine CreateEngine() => SpecEngine.Ngtcp2();
}
