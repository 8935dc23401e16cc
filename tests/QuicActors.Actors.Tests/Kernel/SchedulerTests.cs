namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class SchedulerTests(ITestOutputHelper output) : TestKit(output, useVirtualTime: true)
{
    [Fact]
    public void ScheduleTellOnce_delivers_after_the_delay_on_the_system_clock()
    {
        Assert.Same(VirtualTime, Sys.Scheduler.TimeProvider);
        Sys.Scheduler.ScheduleTellOnceCancelable(TimeSpan.FromSeconds(5), TestActor, "later", null);
        Advance(TimeSpan.FromSeconds(4));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Advance(TimeSpan.FromSeconds(1));
        ExpectMsg("later");
    }

    [Fact]
    public void ScheduleTellRepeatedly_repeats_until_cancelled()
    {
        var cancelable = Sys.Scheduler.ScheduleTellRepeatedlyCancelable(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TestActor, "again", null);
        Advance(TimeSpan.FromSeconds(5));
        ReceiveN(3);
        cancelable.Cancel();
        Assert.True(cancelable.IsCancellationRequested);
        Advance(TimeSpan.FromSeconds(10));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void ScheduleOnce_runs_an_action_and_a_cancelled_one_never_runs()
    {
        var ran = 0;
        Sys.Scheduler.ScheduleOnceCancelable(TimeSpan.FromSeconds(1), () => Interlocked.Increment(ref ran));
        var cancelled = Sys.Scheduler.ScheduleOnceCancelable(TimeSpan.FromSeconds(1), () => Interlocked.Add(ref ran, 100));
        cancelled.Cancel();
        Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, Volatile.Read(ref ran));
    }
}
