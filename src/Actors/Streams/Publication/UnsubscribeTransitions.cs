using QuicActors.Kernel;

namespace QuicActors.Streams;

/// <summary>Tell this to a <see cref="ConnectionActor"/> to end every <see cref="SubscribeTransitions"/> of <paramref name="Subscriber"/>.</summary>
/// <param name="Subscriber">The actor to stop telling.</param>
public sealed record UnsubscribeTransitions(IActorRef Subscriber);
