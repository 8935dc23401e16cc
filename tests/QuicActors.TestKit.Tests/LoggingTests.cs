namespace QuicActors.TestKit.Tests;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;
using Xunit.Sdk;

public sealed class LoggingTests(ITestOutputHelper output) : TestKit(output)
{
    private sealed class Failing : ReceiveActor
    {
        public Failing() => Receive<string>(s => throw new InvalidOperationException(s));
    }

    [Fact]
    public void Kernel_log_events_go_to_the_test_output()
    {
        var recording = new RecordingOutput();
        using (var kit = new ManualKit(recording))
        {
            kit.Sys.Log.Information("hello {Name:l}", "output");
        }
        Assert.Contains(recording.Lines, l => l.Contains("[INF] hello output", StringComparison.Ordinal));
    }

    [Fact]
    public void An_exception_logged_once_passes_ExpectOne()
    {
        var actor = ActorOf(Props.Create<Failing>());
        EventFilter.Exception<InvalidOperationException>("first").ExpectOne(() => actor.Tell("first"));
    }

    [Fact]
    public void ExpectOne_fails_for_none_and_for_two()
    {
        var actor = ActorOf(Props.Create<Failing>());
        Assert.Throws<XunitException>(() => EventFilter.Exception<InvalidOperationException>().Expect(1, () => { }, TimeSpan.FromMilliseconds(50)));
        var e = Assert.Throws<XunitException>(() => EventFilter.Exception<InvalidOperationException>().ExpectOne(() =>
        {
            actor.Tell("one");
            actor.Tell("two");
        }));
        Assert.Contains("found 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposing_the_TestKit_terminates_its_system()
    {
        var kit = new ManualKit();
        kit.Dispose();
        Assert.True(kit.Sys.WhenTerminated.IsCompleted);
    }
}
