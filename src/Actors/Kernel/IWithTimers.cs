namespace QuicActors.Kernel;

/// <summary>
/// Implement on an actor to get keyed timers. The kernel sets <see cref="Timers"/> right after the
/// constructor returns (so use it from PreStart on), and cancels every timer when the actor stops or restarts.
/// </summary>
public interface IWithTimers
{
    /// <summary>The actor's timers.</summary>
    ITimerScheduler Timers { get; set; }
}
