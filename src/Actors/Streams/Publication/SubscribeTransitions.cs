using QuicActors.Kernel;

namespace QuicActors.Streams;

/// <summary>
/// Tell this to a <see cref="ConnectionActor"/>: from when it is processed, <see cref="Subscriber"/> receives every
/// half-state transition of the connection's streams (all generations) as a <see cref="StreamTransition"/> message,
/// once each, in the order the connection actor learns of them. The connection actor watches the subscriber and forgets
/// it when it stops; subscribing twice changes nothing.
/// </summary>
/// <param name="Subscriber">The actor to tell.</param>
/// <param name="StreamFilter">Only this stream's transitions; null for every stream.</param>
public sealed record SubscribeTransitions(IActorRef Subscriber, StreamHandleStamp? StreamFilter = null);
