using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>The early-handle window of S4 on the ngtcp2 engine, both ends ours, over loopback UDP in real time (a relay delays the server so the stream is opened in 0-RTT).</summary>
public sealed class S4EarlyHandleAcrossRejectionNgtcp2Spec(ITestOutputHelper output) : S4EarlyHandleAcrossRejectionSpec(output, useVirtualTime: false)
{
    private protected override SpecEngine CreateEngine() => SpecEngine.Ngtcp2();
}
