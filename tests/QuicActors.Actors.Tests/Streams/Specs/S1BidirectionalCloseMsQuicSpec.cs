using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>S1 on the System.Net.Quic engine, both ends ours, over loopback UDP in real time; skipped with the reason where libmsquic is missing.</summary>
public sealed class S1BidirectionalCloseMsQuicSpec(ITestOutputHelper output) : S1BidirectionalCloseSpec(output, useVirtualTime: false)
{
    protected override int Streams => 300;

    private protected override SpecEngine CreateEngine() => SpecEngine.MsQuic();
}
