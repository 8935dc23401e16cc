namespace QuicActors.Kernel;

/// <summary>Sets messages aside to process them later, in order, after <see cref="UnstashAll"/>.</summary>
public interface IStash
{
    /// <summary>Sets the current message (with its sender) aside; call it at most once per message.</summary>
    /// <exception cref="InvalidOperationException">Called outside message processing.</exception>
    void Stash();

    /// <summary>Puts the oldest stashed message in front of the mailbox.</summary>
    void Unstash();

    /// <summary>Puts every stashed message, oldest first, in front of the mailbox.</summary>
    void UnstashAll();

    /// <summary>The number of stashed messages.</summary>
    int Count { get; }
}
