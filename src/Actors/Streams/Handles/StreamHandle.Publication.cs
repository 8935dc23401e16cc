using QuicActors.Kernel;

namespace QuicActors.Streams;

/// <summary>Actor subscription to one stream's transitions.</summary>
public sealed partial class StreamHandle
{
    /// <summary>
    /// Tells <paramref name="subscriber"/> each later transition of this stream as a <see cref="StreamTransition"/>
    /// message, once each and in order, until the returned subscription is disposed or the stream actor stops. For
    /// every stream of a connection, tell the connection actor <see cref="Streams.SubscribeTransitions"/> instead.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="subscriber"/> is null.</exception>
    public IDisposable SubscribeTransitions(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        return Transitions.Subscribe(new ActorObserver(subscriber));
    }

    /// <summary>Forwards to an actor; runs on the stream actor's turn, where a tell never blocks.</summary>
    private sealed class ActorObserver(IActorRef subscriber) : IObserver<StreamTransition>
    {
        public void OnNext(StreamTransition value) => subscriber.Tell(value, ActorRefs.NoSender);

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
