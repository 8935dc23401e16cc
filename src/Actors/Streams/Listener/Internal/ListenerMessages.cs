using QuicActors.Kernel;
using QuicActors.Transport;

namespace QuicActors.Streams.Internal;

/// <summary>
/// The accept loop handed over a connection. If the listener actor stopped before taking it, nobody else will ever close
/// it: as a dead letter it closes itself (an expected race, so not logged).
/// </summary>
internal sealed record ConnectionAccepted(IQuicEngineConnection Connection) : IDeadLetterAware, IDeadLetterSuppression
{
    public void OnDeadLetter() => _ = ListenerActor.CloseAndDisposeAsync(Connection, 0, "listener stopped");
}

/// <summary>The accept loop ended: the engine listener was disposed, the stop cancelled it, or it failed.</summary>
internal sealed record AcceptLoopEnded(Exception Reason);

/// <summary>An accepted connection ended (its <see cref="IQuicEngineConnection.Closed"/> completed).</summary>
internal sealed record AcceptedConnectionEnded(IActorRef ConnectionActor);

/// <summary>Asks a listener actor for its <see cref="ListenerStatus"/>.</summary>
internal sealed record ListenerStatusQuery(TaskCompletionSource<ListenerStatus> Completion);

/// <summary>Stop accepting, let streams finish for at most <see cref="GracePeriod"/>, close the connections, then stop.</summary>
internal sealed record StopListening(TimeSpan GracePeriod);

/// <summary>A stopping listener's timer: ask each connection whether it has live streams left.</summary>
internal sealed class ShutdownPoll
{
    public static readonly ShutdownPoll Instance = new();
}

/// <summary>A stopping listener's grace period is over: close whatever is left.</summary>
internal sealed class ShutdownGraceExpired
{
    public static readonly ShutdownGraceExpired Instance = new();
}

/// <summary>A connection's answer to <see cref="ShutdownPoll"/>.</summary>
internal sealed record ConnectionIdleReport(IActorRef ConnectionActor, bool Idle);
