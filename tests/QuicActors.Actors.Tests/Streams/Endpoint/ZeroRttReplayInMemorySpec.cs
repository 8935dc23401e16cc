using QuicActors.Actors.Tests.Streams.Specs;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Endpoint;

/// <summary>The replay policy on the in-memory engine, on virtual time.</summary>
public sealed class ZeroRttReplayInMemorySpec(ITestOutputHelper output) : ZeroRttReplaySpec(output, useVirtualTime: true)
{
    private protected override SpecEngine CreateEngine() => SpecEngine.InMemory(VirtualTime!);
}
