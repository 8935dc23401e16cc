namespace QuicActors.Kernel;

/// <summary>
/// A message that must learn when it becomes a dead letter, typically because it carries a caller's completion that would
/// otherwise never finish (a command told to an actor that stopped while the command was on its way).
/// </summary>
public interface IDeadLetterAware
{
    /// <summary>Called once, on the thread that dead-lettered the message, before the <see cref="DeadLetter"/> is published; must not block.</summary>
    void OnDeadLetter();
}
