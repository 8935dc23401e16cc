namespace QuicActors.Kernel;

/// <summary>
/// A message the kernel interprets before the actor's behaviour sees it (<see cref="PoisonPill"/>,
/// <see cref="Kill"/>, <see cref="Terminated"/>).
/// </summary>
public abstract class AutoReceivedMessage
{
    private protected AutoReceivedMessage() { }
}
