using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>S4 on the ngtcp2 engine, both ends ours, over loopback UDP in real time.</summary>
public sealed class S4ZeroRttRejectionNgtcp2Spec(ITestOutputHelper output) : S4ZeroRttRejectionSpec(output, useVirtualTime: false)
{
    private protected override SpecEngine CreateEngine() => SpecEngine.Ngtcp2();
}
