namespace QuicActors.TestKit.Tests;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;
using Xunit.Sdk;

public sealed class TimingTests(ITestOutputHelper output) : TestKit(output)
{
    [Fact]
    public void Within_passes_for_a_block_inside_the_bounds_and_sets_Remaining()
    {
        Assert.Throws<InvalidOperationException>(() => Remaining);
        Within(TimeSpan.FromSeconds(5), () =>
        {
            Assert.True(Remaining <= Dilated(TimeSpan.FromSeconds(5)));
            TestActor.Tell("in time");
            ExpectMsg("in time");
        });
        Assert.Equal(3, Within(TimeSpan.FromSeconds(5), () => 3));
    }

    [Fact]
    public void Within_fails_when_the_block_is_too_slow_or_too_fast()
    {
        Assert.Throws<XunitException>(() => Within(TimeSpan.FromMilliseconds(20), () => Thread.Sleep(200)));
        Assert.Throws<XunitException>(() => Within(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), () => { }));
    }

    [Fact]
    public void An_expectation_inside_Within_defaults_to_the_time_left()
    {
        var e = Assert.Throws<XunitException>(() => Within(TimeSpan.FromMilliseconds(200), () => ExpectMsg<string>()));
        Assert.Contains("Timeout", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AwaitAssert_retries_until_the_assertion_passes_and_fails_after_the_duration()
    {
        var start = DateTime.UtcNow;
        AwaitAssert(() => Assert.True(DateTime.UtcNow - start > TimeSpan.FromMilliseconds(50)));
        Assert.Throws<TrueException>(() => AwaitAssert(() => Assert.True(false), TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void AwaitCondition_polls_until_true_and_fails_after_max()
    {
        var flag = 0;
        ThreadPool.QueueUserWorkItem(_ =>
        {
            Thread.Sleep(30);
            Volatile.Write(ref flag, 1);
        });
        AwaitCondition(() => Volatile.Read(ref flag) == 1);
        var e = Assert.Throws<XunitException>(() => AwaitCondition(() => false, TimeSpan.FromMilliseconds(50), message: "never"));
        Assert.Contains("never", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_time_factor_dilates_every_default()
    {
        var settings = new TestKitSettings { TimeFactor = 3, DefaultTimeout = TimeSpan.FromSeconds(1) };
        Assert.Equal(TimeSpan.FromSeconds(3), settings.Dilated(TimeSpan.FromSeconds(1)));
        using var kit = new ManualKit(settings: settings);
        Assert.Equal(TimeSpan.FromSeconds(3), kit.RemainingOrDefault);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TestKitSettings { TimeFactor = 0 });
    }
}
