using QuicActors.Streams;
using QuicActors.Streams.Internal;
using Serilog;

namespace QuicActors.Actors.Tests.Streams.Publication;

/// <summary>
/// A stream actor tells its connection a transition only when the connection's <see cref="TransitionAudience"/> says
/// someone listens; each way of listening must count, and nothing else may.
/// </summary>
public sealed class TransitionAudienceTests
{
    private static readonly ILogger InformationLog = new LoggerConfiguration().MinimumLevel.Information().CreateLogger();

    [Fact]
    public void Nobody_listens_by_default()
    {
        using var metrics = new QuicActorsMetrics();
        Assert.False(new TransitionAudience(new ConnectionActorSettings { Metrics = metrics }, InformationLog).IsListening);
    }

    [Fact]
    public void Subscribers_and_observers_count_until_they_are_gone()
    {
        using var metrics = new QuicActorsMetrics();
        var audience = new TransitionAudience(new ConnectionActorSettings { Metrics = metrics }, InformationLog);

        audience.SetListeners(2);
        Assert.True(audience.IsListening);
        audience.SetListeners(0);
        Assert.False(audience.IsListening);
    }

    [Fact]
    public void A_callback_or_datagram_flows_always_listen()
    {
        using var metrics = new QuicActorsMetrics();
        Assert.True(new TransitionAudience(new ConnectionActorSettings { Metrics = metrics, OnTransition = _ => { } }, InformationLog).IsListening);
        Assert.True(new TransitionAudience(new ConnectionActorSettings { Metrics = metrics, DatagramFlows = true }, InformationLog).IsListening);
    }

    [Fact]
    public void An_enabled_transition_counter_listens_from_when_it_is_enabled()
    {
        using var metrics = new QuicActorsMetrics();
        var audience = new TransitionAudience(new ConnectionActorSettings { Metrics = metrics }, InformationLog);
        Assert.False(audience.IsListening);

        using (new MetricRecorder(metrics))
        {
            Assert.True(audience.IsListening);
        }

        Assert.False(audience.IsListening);
    }

    [Fact]
    public void A_debug_log_listens()
    {
        using var metrics = new QuicActorsMetrics();
        var debugLog = new LoggerConfiguration().MinimumLevel.Debug().CreateLogger();
        Assert.True(new TransitionAudience(new ConnectionActorSettings { Metrics = metrics }, debugLog).IsListening);
    }
}
