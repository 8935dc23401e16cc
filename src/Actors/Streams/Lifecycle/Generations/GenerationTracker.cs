using System.Globalization;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>
/// Counts the generations of one connection and gates every command from a stream handle (invariant 5: nothing done
/// through a handle of generation g reaches the wire after generation g has ended).
/// </summary>
/// <remarks>
/// The guarantee holds when the gate and the engine call run in the same serialized context as
/// <see cref="BeginNextGeneration"/> and <see cref="Close"/>: the connection actor checks, then calls the engine, with no
/// generation change in between. Reads from other threads (a handle failing fast) see the generation through a volatile
/// read and are safe, but only the owner's check is the guarantee.
/// </remarks>
public sealed class GenerationTracker
{
    private volatile int _generation;
    private volatile bool _closed;
    // Only refusals are counted: every stream's commands pass the gate, from many threads, and a shared counter of
    // admissions cost each of them a contended cache line.
    private long _refused;

    /// <summary>Starts tracking a connection at generation 1.</summary>
    public GenerationTracker(long connectionId)
    {
        ConnectionId = connectionId;
        _generation = 1;
    }

    /// <summary>The connection this tracker belongs to.</summary>
    public long ConnectionId { get; }

    /// <summary>The current generation.</summary>
    public ConnectionGeneration Current => new(ConnectionId, _generation);

    /// <summary>Whether the connection has closed: no generation is current any more.</summary>
    public bool IsClosed => _closed;

    /// <summary>Commands refused so far (stale, closed or foreign).</summary>
    public long RefusedCount => Interlocked.Read(ref _refused);

    /// <summary>The stamp for a new handle of <paramref name="streamId"/> in the current generation.</summary>
    public StreamHandleStamp Stamp(QuicStreamId streamId) => Current.Stamp(streamId);

    /// <summary>Whether <paramref name="stamp"/> belongs to the current generation of an open connection.</summary>
    public bool IsCurrent(StreamHandleStamp stamp) =>
        !_closed && stamp.ConnectionId == ConnectionId && stamp.Generation == _generation;

    /// <summary>
    /// Ends the current generation (0-RTT was rejected) and starts the next: every stamp of earlier generations is stale
    /// from now on.
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection has closed.</exception>
    public ConnectionGeneration BeginNextGeneration()
    {
        if (_closed)
        {
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"Connection {ConnectionId} has closed in generation {_generation}; it cannot start another."));
        }

        _generation++;
        return Current;
    }

    /// <summary>Ends the last generation: the connection closed and every stamp is stale. Idempotent.</summary>
    public void Close() => _closed = true;

    /// <summary>Judges a command from a handle without counting it.</summary>
    public CommandAdmission Check(StreamHandleStamp stamp)
    {
        var generation = _generation;
        if (stamp.ConnectionId != ConnectionId || stamp.Generation > generation || stamp.Generation < 1)
        {
            return CommandAdmission.ForeignStamp;
        }

        if (stamp.Generation < generation)
        {
            return CommandAdmission.StaleGeneration;
        }

        return _closed ? CommandAdmission.ConnectionClosed : CommandAdmission.Admitted;
    }

    /// <summary>
    /// The gate every command from a handle passes before it reaches the engine. True admits it; false means drop it
    /// without sending anything (use <see cref="ThrowIfNotAdmitted"/> to tell the caller why).
    /// </summary>
    public bool TryAdmit(StreamHandleStamp stamp)
    {
        if (Check(stamp) == CommandAdmission.Admitted)
        {
            return true;
        }

        Interlocked.Increment(ref _refused);
        return false;
    }

    /// <summary>Admits the command or throws why it may not pass.</summary>
    /// <exception cref="StaleHandleException">The handle's generation has ended or the connection has closed.</exception>
    /// <exception cref="ArgumentException">The stamp names another connection or a generation that never existed.</exception>
    public void ThrowIfNotAdmitted(StreamHandleStamp stamp)
    {
        var verdict = Check(stamp);
        if (verdict == CommandAdmission.Admitted)
        {
            return;
        }

        Interlocked.Increment(ref _refused);
        throw verdict switch
        {
            CommandAdmission.StaleGeneration => new StaleHandleException(stamp, _generation),
            CommandAdmission.ConnectionClosed => new StaleHandleException(stamp),
            _ => new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The stamp {stamp} does not belong to {Current}."),
                nameof(stamp)),
        };
    }
}
