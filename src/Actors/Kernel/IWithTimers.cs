namespace QuicActors.Kernel;

/// <summary>Implement on an actor to get keyed timers (set by the kernel right after construction).</summary>
public interface IWithTimers
{
    /// <summary>The actor's timers.</summary>
    ITimerScheduler Timers { get; set; }
}
