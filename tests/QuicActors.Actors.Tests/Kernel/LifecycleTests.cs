namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class LifecycleTests(ITestOutputHelper output) : TestKit(output)
{
    [Fact]
    public void PreStart_runs_before_the_first_message_and_PostStop_after_stop()
    {
        var actor = ActorOf(Props.Create(() => new LifecycleActor(TestActor)), "life");
        actor.Tell("hello");
        ExpectMsg("prestart:life");
        ExpectMsg("hello");
        Sys.Stop(actor);
        ExpectMsg("poststop:life");
    }

    [Fact]
    public void Restart_defaults_run_PostStop_on_the_old_instance_and_PreStart_on_the_new_one()
    {
        var actor = ActorOf(Props.Create(() => new LifecycleActor(TestActor)), "restarting");
        ExpectMsg("prestart:restarting");
        actor.Tell("child:kid");
        ExpectMsg("prestart:kid");

        actor.Tell("boom");
        ExpectMsg("prerestart:restarting:boom");
        // Default PreRestart stops the children, then calls PostStop.
        var next = ReceiveN(2).Cast<string>().ToHashSet();
        Assert.Equal(new HashSet<string> { "poststop:kid", "poststop:restarting" }, next);
        ExpectMsg("postrestart:restarting:boom");
        // Default PostRestart calls PreStart.
        ExpectMsg("prestart:restarting");
    }
}
