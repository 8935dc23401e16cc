using QuicActors.Transport;

namespace QuicActors.Streams.Internal;

/// <summary>
/// What every stream actor of one connection shares: the engine connection, the generation gate, the linger policy, the
/// clock and the publication audience. One object per connection, so a stream actor, its halves and its props hold one
/// reference to it instead of five each.
/// </summary>
internal sealed class StreamActorContext(IQuicEngineConnection connection, GenerationTracker generations, LingerPolicy linger, TimeProvider time, TransitionAudience audience)
{
    public IQuicEngineConnection Connection { get; } = connection;

    public GenerationTracker Generations { get; } = generations;

    public LingerPolicy Linger { get; } = linger;

    public TimeProvider Time { get; } = time;

    public TransitionAudience Audience { get; } = audience;
}
