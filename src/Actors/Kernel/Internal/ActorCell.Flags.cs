namespace QuicActors.Kernel.Internal;

internal sealed partial class ActorCell
{
    private const int FlagCreated = 1;
    private const int FlagFailed = 2;
    private const int FlagTerminating = 4;
    private const int FlagTerminated = 8;
    private const int FlagAwaitingAsync = 16;
    private const int FlagRecreating = 32;
    private const int UserBlockMask = FlagCreated | FlagFailed | FlagTerminating | FlagTerminated | FlagAwaitingAsync | FlagRecreating;

    /// <summary>Whether user messages may be processed now (only meaningful on the cell's own thread).</summary>
    private bool CanProcessUserMessages => _suspendCount == 0 && (_flags & UserBlockMask) == FlagCreated;

    private bool IsTerminatingOrTerminated => (_flags & (FlagTerminating | FlagTerminated)) != 0;
}
