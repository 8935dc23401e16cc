using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using QuicActors.TestKit;

/// <summary>
/// S3 on the ngtcp2 engine, both ends ours, over loopback UDP in real time (datagrams negotiated at both ends). The
/// scenario's 50 flows a second for 60 s is scaled to 4 s of wall clock (200 flows) to keep the test short; the full
/// 60 s runs on virtual time in <see cref="S3StateVisibilityInMemorySpec"/>.
/// </summary>
public sealed class S3StateVisibilityNgtcp2Spec(ITestOutputHelper output) : S3StateVisibilitySpec(output, useVirtualTime: false)
{
    private protected override SpecEngine CreateEngine() => SpecEngine.Ngtcp2();

    [SkippableFact]
    public Task Fifty_flows_a_second_for_four_seconds_scaled_from_sixty_leave_the_flow_table_empty() => RunFlowsAsync(perSecond: 50, seconds: 4);
}
