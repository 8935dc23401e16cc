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

    // The engine-call gate (see EnterEngineCall), needed only until Settle: stream actors' engine calls in flight, the
    // owner's exclusive section, and the generation the engine rejected before the owner read the rejection (0: none).
    private int _engineCalls;
    private volatile int _exclusive;
    private volatile int _rejectedAtEngine;
    private volatile bool _settled;

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

        // No engine call of the ending generation may still be on its way when the next one starts: its stream IDs are
        // reused from 0, so a late call would land on a new stream (invariant 5).
        using (EnterExclusive())
        {
            _generation++;
            _rejectedAtEngine = 0;
        }

        return Current;
    }

    /// <summary>
    /// Admits one engine call (a write, FIN, reset, STOP_SENDING or window update) for a stream of <paramref name="stamp"/>,
    /// made by that stream's actor: dispose the scope as soon as the engine call has returned. Not admitted when the
    /// stamp is stale, or when the engine has already rejected 0-RTT for the stamp's generation
    /// (<see cref="MarkRejectedAtEngine"/>).
    /// </summary>
    /// <remarks>
    /// The check alone would leave a window: an actor that passed it may be preempted, the owner may meanwhile begin the
    /// next generation and open the new stream 0, and the late call then lands on that stream (RFC 9000 §2.1 IDs restart
    /// after a 0-RTT rejection, RFC 9001 §4.6.2). Admitted calls are therefore counted, and the owner's generation switch
    /// and its stream opens wait until none is in flight (<see cref="EnterExclusive"/>). Once no rejection can come any
    /// more (<see cref="Settle"/>, at the end of the handshake) nothing is counted and the call costs one check.
    /// </remarks>
    public EngineCallScope EnterEngineCall(StreamHandleStamp stamp)
    {
        if (_settled)
        {
            return new EngineCallScope(null, IsCurrent(stamp));
        }

        var spinner = default(SpinWait);
        while (true)
        {
            // Counted before the owner's flag is read; the owner sets its flag before it reads the count (both fenced).
            Interlocked.Increment(ref _engineCalls);
            if (_exclusive == 0)
            {
                if (IsCurrent(stamp) && stamp.Generation != _rejectedAtEngine)
                {
                    return new EngineCallScope(this, true);
                }

                Interlocked.Decrement(ref _engineCalls);
                return new EngineCallScope(null, false);
            }

            Interlocked.Decrement(ref _engineCalls);
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>
    /// Owner only: until the scope is disposed, no stream actor's engine call is in flight or starts (they wait). For a
    /// short synchronous section: a generation switch, or an engine open that may reuse an ID. Free once settled.
    /// </summary>
    public ExclusiveScope EnterExclusive()
    {
        if (_settled)
        {
            return default;
        }

        _exclusive = 1;
        Interlocked.MemoryBarrier();
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _engineCalls) != 0)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        return new ExclusiveScope(this);
    }

    /// <summary>
    /// Owner only, inside <see cref="EnterExclusive"/>: the engine has rejected 0-RTT (its stream IDs restart at 0) and
    /// the owner has not begun the next generation yet. Engine calls for the current generation's streams are refused
    /// from now on: the engine discarded those streams, and their IDs may already name new ones.
    /// </summary>
    public void MarkRejectedAtEngine() => _rejectedAtEngine = _generation;

    /// <summary>Owner only: the handshake is over and no 0-RTT rejection can follow, so the gate is no longer needed.</summary>
    public void Settle() => _settled = true;

    /// <summary>Whether the gate is off for good (<see cref="Settle"/>).</summary>
    public bool IsSettled => _settled;

    /// <summary>An engine call admitted (or not) by <see cref="EnterEngineCall"/>; disposing it ends the call.</summary>
    public readonly struct EngineCallScope : IDisposable
    {
        private readonly GenerationTracker? _counted;

        internal EngineCallScope(GenerationTracker? counted, bool admitted)
        {
            _counted = counted;
            Admitted = admitted;
        }

        /// <summary>Whether the engine call may be made.</summary>
        public bool Admitted { get; }

        /// <summary>Ends the engine call.</summary>
        public void Dispose()
        {
            if (_counted is not null)
            {
                Interlocked.Decrement(ref _counted._engineCalls);
            }
        }
    }

    /// <summary>The owner's exclusive section (<see cref="EnterExclusive"/>); disposing it lets engine calls go on.</summary>
    public readonly struct ExclusiveScope : IDisposable
    {
        private readonly GenerationTracker? _owner;

        internal ExclusiveScope(GenerationTracker owner) => _owner = owner;

        /// <summary>Ends the exclusive section.</summary>
        public void Dispose()
        {
            if (_owner is not null)
            {
                _owner._exclusive = 0;
            }
        }
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
