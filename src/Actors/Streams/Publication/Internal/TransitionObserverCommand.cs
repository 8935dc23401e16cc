namespace QuicActors.Streams.Internal;

/// <summary>Adds or removes a connection-wide <see cref="IObserver{T}"/> of transitions (see <see cref="ConnectionActor.ObserveTransitions"/>).</summary>
internal sealed record TransitionObserverCommand(IObserver<StreamTransition> Observer, bool Subscribe);
