using QuicActors.TestKit;

namespace QuicActors.TestKit.Tests.VirtualTime;

public class VirtualTimeProviderTests
{
    [Fact]
    public void Timers_fire_only_when_the_clock_reaches_them_in_due_order()
    {
        var clock = new VirtualTimeProvider();
        var fired = new List<string>();
        using var late = clock.CreateTimer(_ => fired.Add("late"), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => fired.Add("early"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var tie = clock.CreateTimer(_ => fired.Add("tie"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(fired);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["early", "tie", "late"], fired);
        Assert.Equal(TimeSpan.FromMilliseconds(5999), clock.Elapsed);
    }

    [Fact]
    public void Periodic_timer_fires_once_per_period_crossed_and_stops_when_disposed()
    {
        var clock = new VirtualTimeProvider();
        var at = new List<TimeSpan>();
        var timer = clock.CreateTimer(_ => at.Add(clock.Elapsed), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(3.5));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)], at);
        timer.Dispose();
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, at.Count);
        Assert.Equal(0, clock.PendingTimers);
    }

    [Fact]
    public void Change_reschedules_and_a_callback_may_create_timers()
    {
        var clock = new VirtualTimeProvider();
        var fired = new List<string>();
        ITimer? inner = null;
        using var outer = clock.CreateTimer(_ => inner = clock.CreateTimer(_ => fired.Add("inner"), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        outer.Change(TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(inner);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(["inner"], fired);
        inner!.Dispose();
    }

    [Fact]
    public async Task Task_Delay_on_the_virtual_clock_completes_on_advance()
    {
        var clock = new VirtualTimeProvider();
        var delay = Task.Delay(TimeSpan.FromMinutes(30), clock);
        Assert.False(delay.IsCompleted);
        Assert.True(clock.AdvanceToNextTimer());
        await delay.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromMinutes(30), clock.Elapsed);
        Assert.False(clock.AdvanceToNextTimer());
    }

    [Fact]
    public void Negative_advance_is_rejected() => Assert.Throws<ArgumentOutOfRangeException>(() => new VirtualTimeProvider().Advance(TimeSpan.FromTicks(-1)));
}
