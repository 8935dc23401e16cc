namespace QuicActors.Actors.Tests.Kernel;

using QuicActors.Kernel;
using QuicActors.TestKit;
using Xunit.Abstractions;

public sealed class FsmTests(ITestOutputHelper output) : TestKit(output, useVirtualTime: true)
{
    public enum Light { Off, On, Broken }

    /// <summary>A lamp: "toggle" switches, "same" re-enters the state, "stay" stays, On times out after 5 s.</summary>
    private sealed class Lamp : FSM<Light, int>
    {
        public Lamp(IActorRef probe)
        {
            StartWith(Light.Off, 0);
            When(Light.Off, e => e.FsmEvent switch
            {
                "toggle" => GoTo(Light.On).Using(e.StateData + 1).Replying("now on"),
                "same" => GoTo(Light.Off),
                "stay" => Stay().Replying("stayed"),
                "short" => GoTo(Light.On).ForMax(TimeSpan.FromSeconds(1)),
                "break" => GoTo(Light.Broken),
                "stop" => Stop(),
                _ => null,
            });
            When(Light.On, e => e.FsmEvent switch
            {
                "toggle" => GoTo(Light.Off),
                StateTimeout => GoTo(Light.Off),
                "ping" => Stay().Replying("pong"),
                _ => null,
            }, TimeSpan.FromSeconds(5));
            WhenUnhandled(e => e.FsmEvent is int n ? Stay().Replying($"unhandled {n} in {StateName}") : null);
            OnTransition((from, to) => probe.Tell($"{from}->{to}:{NextStateData}"));
            OnTermination(stop => probe.Tell($"terminated:{stop.Reason.GetType().Name}:{stop.TerminatedState}:{stop.StateData}"));
            Initialize();
        }
    }

    private IActorRef StartLamp(TestProbe probe) => ActorOf(Props.Create(() => new Lamp(probe.Ref)));

    [Fact]
    public void GoTo_and_Using_change_state_and_data_and_run_transition_handlers()
    {
        var probe = CreateTestProbe();
        var lamp = StartLamp(probe);
        lamp.Tell("toggle");
        ExpectMsg("now on");
        probe.ExpectMsg("Off->On:1");
        lamp.Tell("toggle");
        probe.ExpectMsg("On->Off:1");
        lamp.Tell("toggle");
        ExpectMsg("now on");
        probe.ExpectMsg("Off->On:2");
    }

    [Fact]
    public void GoTo_the_same_state_emits_a_transition_and_Stay_does_not()
    {
        var probe = CreateTestProbe();
        var lamp = StartLamp(probe);
        lamp.Tell("stay");
        ExpectMsg("stayed");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        lamp.Tell("same");
        probe.ExpectMsg("Off->Off:0");
    }

    [Fact]
    public void A_state_timeout_fires_after_its_time_on_the_system_clock()
    {
        var probe = CreateTestProbe();
        var lamp = StartLamp(probe);
        lamp.Tell("toggle");
        ExpectMsg("now on");
        probe.ExpectMsg("Off->On:1");
        Advance(TimeSpan.FromSeconds(4));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Advance(TimeSpan.FromSeconds(1));
        probe.ExpectMsg("On->Off:1");
    }

    [Fact]
    public void ForMax_overrides_the_state_timeout()
    {
        var probe = CreateTestProbe();
        var lamp = StartLamp(probe);
        lamp.Tell("short");
        probe.ExpectMsg("Off->On:0");
        Advance(TimeSpan.FromSeconds(1));
        probe.ExpectMsg("On->Off:0");
    }

    [Fact]
    public void A_message_cancels_the_pending_state_timeout()
    {
        var probe = CreateTestProbe();
        var lamp = StartLamp(probe);
        lamp.Tell("toggle");
        ExpectMsg("now on");
        probe.ExpectMsg("Off->On:1");
        Advance(TimeSpan.FromSeconds(3));
        lamp.Tell("ping");
        ExpectMsg("pong");
        // Stay re-arms the 5 s timeout from now: nothing at the original deadline.
        Advance(TimeSpan.FromSeconds(3));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Advance(TimeSpan.FromSeconds(2));
        probe.ExpectMsg("On->Off:1");
    }

    [Fact]
    public void A_state_timeout_is_never_processed_after_a_newer_message()
    {
        var probe = CreateTestProbe();
        var lamp = StartLamp(probe);
        lamp.Tell("toggle");
        ExpectMsg("now on");
        probe.ExpectMsg("Off->On:1");
        // A message arrives 1 ms before the deadline; the timeout fires right after it, in the same Advance,
        // usually before the FSM has processed the message: it must then be dropped as stale.
        Sys.Scheduler.ScheduleTellOnceCancelable(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1), lamp, "ping", TestActor);
        Advance(TimeSpan.FromSeconds(5));
        ExpectMsg("pong");
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void WhenUnhandled_handles_what_no_state_function_did()
    {
        var lamp = StartLamp(CreateTestProbe());
        lamp.Tell(7);
        ExpectMsg("unhandled 7 in Off");
    }

    [Fact]
    public void Unhandled_events_by_default_are_logged_and_the_fsm_stays()
    {
        var probe = CreateTestProbe();
        var lamp = StartLamp(probe);
        EventFilter.Warning("did not handle System.Double").ExpectOne(() => lamp.Tell(1.5));
        lamp.Tell("stay");
        ExpectMsg("stayed");
    }

    [Fact]
    public void Stop_runs_OnTermination_with_Normal_and_stops_the_actor()
    {
        var probe = CreateTestProbe();
        var lamp = StartLamp(probe);
        Watch(lamp);
        lamp.Tell("stop");
        probe.ExpectMsg("terminated:Normal:Off:0");
        ExpectTerminated(lamp);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Stopping_from_outside_runs_OnTermination_with_Shutdown()
    {
        var probe = CreateTestProbe();
        var lamp = StartLamp(probe);
        Sys.Stop(lamp);
        probe.ExpectMsg("terminated:Shutdown:Off:0");
    }

    [Fact]
    public void Going_to_an_undeclared_state_stops_with_a_failure()
    {
        var probe = CreateTestProbe();
        var lamp = StartLamp(probe);
        lamp.Tell("break");
        probe.ExpectMsg("terminated:Failure:Off:0");
    }
}
