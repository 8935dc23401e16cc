using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>S1 on the ngtcp2 engine, both ends ours, over loopback UDP in real time.</summary>
public sealed class S1BidirectionalCloseNgtcp2Spec(ITestOutputHelper output) : S1BidirectionalCloseSpec(output, useVirtualTime: false)
{
    protected override int Streams => 300;

    private protected override SpecEngine CreateEngine() => SpecEngine.Ngtcp2();
}
