using QuicActors.Transport;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// An engine connection that passes everything through, except that <see cref="Consume"/> throws a bug-like exception (not
/// a <see cref="QuicTransportException"/>) for the streams <c>failConsume</c> names: a fault inside a stream actor's half,
/// as a defect in an engine or in the half itself would cause.
/// </summary>
internal sealed class FaultingConnection(IQuicEngineConnection inner, Func<QuicStreamId, bool> failConsume) : DelegatingConnection(inner)
{
    private int _faults;

    /// <summary>How many calls threw.</summary>
    public int Faults => Volatile.Read(ref _faults);

    public override void Consume(QuicStreamId streamId, int bytes)
    {
        if (failConsume(streamId))
        {
            Interlocked.Increment(ref _faults);
            throw new InvalidOperationException($"injected fault: Consume({streamId}, {bytes})");
        }

        Inner.Consume(streamId, bytes);
    }
}
