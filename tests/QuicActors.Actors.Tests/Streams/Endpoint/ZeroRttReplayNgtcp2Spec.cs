using QuicActors.Actors.Tests.Streams.Specs;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Endpoint;

/// <summary>The replay policy on the ngtcp2 engine, both ends ours, over loopback UDP in real time.</summary>
public sealed class ZeroRttReplayNgtcp2Spec(ITestOutputHelper output) : ZeroRttReplaySpec(output, useVirtualTime: false)
{
    private protected override SpecEngine CreateEngine() => SpecEngine.Ngtcp2();
}
