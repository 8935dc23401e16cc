using QuicActors.Transport;

namespace QuicActors.Streams.Internal;

/// <summary>
/// What every stream actor of one connection shares: the connection actor that hosts them, the engine connection, the
/// generation gate, the linger policy, the clock and the publication audience. One object per connection, so a stream
/// actor and its halves hold one reference to it instead of six each.
/// </summary>
internal sealed class StreamActorContext(IStreamActorHost host, IQuicEngineConnection connection, GenerationTracker generations, LingerPolicy linger, TimeProvider time, TransitionAudience audience)
{
    public IStreamActorHost Host { get; } = host;

    public IQuicEngineConnection Connection { get; } = connection;

    public GenerationTracker Generations { get; } = generations;

    public LingerPolicy Linger { get; } = linger;

    public TimeProvider Time { get; } = time;

    public TransitionAudience Audience { get; } = audience;
}
