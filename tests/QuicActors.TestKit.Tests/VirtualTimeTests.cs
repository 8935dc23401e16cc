namespace QuicActors.TestKit.Tests;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class VirtualTimeTests(ITestOutputHelper output) : TestKit(output, useVirtualTime: true)
{
    [Fact]
    public void The_system_runs_on_the_virtual_clock_that_Advance_moves()
    {
        Assert.NotNull(VirtualTime);
        Assert.Same(VirtualTime, Sys.Settings.TimeProvider);
        Sys.Scheduler.ScheduleTellOnceCancelable(TimeSpan.FromHours(1), TestActor, "an hour later", null);
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        Advance(TimeSpan.FromHours(1));
        ExpectMsg("an hour later");
        Assert.Equal(TimeSpan.FromHours(1), VirtualTime.Elapsed);
    }

    [Fact]
    public void Advance_needs_virtual_time()
    {
        using var kit = new ManualKit();
        Assert.Null(kit.VirtualTime);
        Assert.Throws<InvalidOperationException>(() => kit.Advance(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Timers_fire_in_due_order_and_periodic_ones_once_per_period()
    {
        var clock = new VirtualTimeProvider();
        var fired = new List<string>();
        using var late = clock.CreateTimer(_ => fired.Add("late"), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => fired.Add("early"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var periodic = clock.CreateTimer(_ => fired.Add("tick"), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        Assert.Equal(3, clock.ActiveTimers);
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(["early", "tick", "late", "tick", "tick"], fired);
        periodic.Dispose();
        Assert.Equal(0, clock.ActiveTimers);
        Assert.False(clock.AdvanceToNextTimer());
    }
}
