using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>S5 on the in-memory engine, on virtual time.</summary>
public sealed class S5ReadThatMustEndInMemorySpec(ITestOutputHelper output) : S5ReadThatMustEndSpec(output, useVirtualTime: true)
{
    private protected override SpecEngine CreateEngine() => SpecEngine.InMemory(VirtualTime!);
}
