namespace QuicActors.Kernel;

/// <summary>An ordinary message (queued behind earlier ones) that stops the actor when processed.</summary>
public sealed class PoisonPill : AutoReceivedMessage, INotInfluenceReceiveTimeout
{
    private PoisonPill() { }

    /// <summary>The single instance.</summary>
    public static PoisonPill Instance { get; } = new();

    /// <inheritdoc />
    public override string ToString() => "<PoisonPill>";
}
