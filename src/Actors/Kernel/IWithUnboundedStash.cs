namespace QuicActors.Kernel;

/// <summary>
/// Implement on an actor to get a <see cref="IStash"/>. The kernel sets it right after the constructor
/// returns, so do not use it in the constructor. On restart the stashed messages are put back in front of
/// the mailbox; on stop they go to dead letters.
/// </summary>
public interface IWithUnboundedStash
{
    /// <summary>The actor's stash (set by the kernel).</summary>
    IStash Stash { get; set; }
}
