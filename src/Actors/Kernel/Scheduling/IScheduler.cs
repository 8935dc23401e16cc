namespace QuicActors.Kernel;

/// <summary>
/// The system scheduler. It runs on <see cref="ActorSystemSettings.TimeProvider"/>, so a virtual clock
/// drives it in tests. Inside actors prefer <see cref="ITimerScheduler"/>, which is cancelled with the actor.
/// </summary>
public interface IScheduler
{
    /// <summary>The clock the scheduler runs on.</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>Tells <paramref name="message"/> to <paramref name="receiver"/> once after <paramref name="delay"/>.</summary>
    ICancelable ScheduleTellOnceCancelable(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender);

    /// <summary>Tells <paramref name="message"/> after <paramref name="initialDelay"/> and then every <paramref name="interval"/>.</summary>
    ICancelable ScheduleTellRepeatedlyCancelable(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender);

    /// <summary>Runs <paramref name="action"/> once after <paramref name="delay"/> on the clock's timer thread.</summary>
    ICancelable ScheduleOnceCancelable(TimeSpan delay, Action action);
}
