namespace QuicActors.Kernel;

/// <summary>
/// Makes the actor fail with <see cref="ActorKilledException"/> when processed, so its supervisor decides
/// (the default decider stops it).
/// </summary>
public sealed class Kill : AutoReceivedMessage
{
    private Kill() { }

    /// <summary>The single instance.</summary>
    public static Kill Instance { get; } = new();

    /// <inheritdoc />
    public override string ToString() => "<Kill>";
}
