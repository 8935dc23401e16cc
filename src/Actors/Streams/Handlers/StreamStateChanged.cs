namespace QuicActors.Streams;

/// <summary>One half-state transition of the stream (RFC 9000 §3), with its cause, delivered to an actor-style stream handler.</summary>
/// <param name="Transition">The transition as the stream actor published it.</param>
public sealed record StreamStateChanged(StreamTransition Transition);
