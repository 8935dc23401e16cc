using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>S5 on the ngtcp2 engine, both ends ours, over loopback UDP in real time.</summary>
public sealed class S5ReadThatMustEndNgtcp2Spec(ITestOutputHelper output) : S5ReadThatMustEndSpec(output, useVirtualTime: false)
{
    private protected override SpecEngine CreateEngine() => SpecEngine.Ngtcp2();
}
