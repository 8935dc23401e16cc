using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>S3 on the in-memory engine, on virtual time: the flow run is the full 60 s of the scenario.</summary>
public sealed class S3StateVisibilityInMemorySpec(ITestOutputHelper output) : S3StateVisibilitySpec(output, useVirtualTime: true)
{
    private protected override SpecEngine CreateEngine() => SpecEngine.InMemory(VirtualTime!);

    [Fact]
    public Task Fifty_flows_a_second_for_sixty_seconds_leave_the_flow_table_empty() => RunFlowsAsync(perSecond: 50, seconds: 60);
}
