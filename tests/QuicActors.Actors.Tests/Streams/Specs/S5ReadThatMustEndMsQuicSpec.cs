using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>S5 on the System.Net.Quic engine, both ends ours, over loopback UDP in real time; skipped with the reason where libmsquic is missing.</summary>
public sealed class S5ReadThatMustEndMsQuicSpec(ITestOutputHelper output) : S5ReadThatMustEndSpec(output, useVirtualTime: false)
{
    private protected override SpecEngine CreateEngine() => SpecEngine.MsQuic();
}
