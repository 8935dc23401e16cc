namespace QuicActors.Transport.MsQuic.Internal;

/// <summary>
/// Outbound stream credit of one direction (RFC 9000 §4.6), rebuilt from System.Net.Quic's
/// <c>StreamCapacityCallback</c>: the increments add up to the peer's cumulative MAX_STREAMS, and every stream the engine
/// opens takes one. Opens that find no credit wait in FIFO order. The engine only asks System.Net.Quic for a stream when
/// this ledger has credit for it, so a wait that is cancelled never consumes a stream ID.
/// </summary>
/// <remarks>Not thread-safe: the owning connection calls it under its lock.</remarks>
internal sealed class StreamCreditLedger
{
    private readonly Queue<Waiter> _waiters = new();

    /// <summary>The peer's cumulative limit as far as the increments have told: how many streams of this direction may ever be opened.</summary>
    public long MaxStreams { get; private set; }

    /// <summary>How many streams were granted credit (opened or being opened).</summary>
    public long Opened { get; private set; }

    /// <summary>Credit left for new opens.</summary>
    public long Available => MaxStreams - Opened;

    /// <summary>How many opens wait for credit.</summary>
    public int Waiting => _waiters.Count;

    /// <summary>Takes one credit if some is left and nobody waits ahead.</summary>
    public bool TryReserve()
    {
        if (_waiters.Count > 0 || Available <= 0) return false;
        Opened++;
        return true;
    }

    /// <summary>Queues an open behind the others; its task completes with true when it is granted credit, or false when the ledger is closed.</summary>
    public Waiter Enqueue()
    {
        var waiter = new Waiter();
        _waiters.Enqueue(waiter);
        return waiter;
    }

    /// <summary>Removes a waiting open (its token was cancelled). False when it was already granted or removed.</summary>
    public bool Remove(Waiter waiter)
    {
        if (waiter.IsSettled) return false;
        var kept = _waiters.Count;
        for (var i = 0; i < kept; i++)
        {
            var w = _waiters.Dequeue();
            if (!ReferenceEquals(w, waiter)) _waiters.Enqueue(w);
        }
        waiter.Settle(false);
        return true;
    }

    /// <summary>
    /// Adds an increment reported by the peer's MAX_STREAMS and grants credit to waiting opens in order.
    /// </summary>
    /// <returns>How many waiting opens were granted.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The increment is negative: cumulative limits never shrink (RFC 9000 §4.6).</exception>
    public int Grant(long increment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(increment);
        MaxStreams += increment;
        var granted = 0;
        while (_waiters.Count > 0 && Available > 0)
        {
            Opened++;
            _waiters.Dequeue().Settle(true);
            granted++;
        }
        return granted;
    }

    /// <summary>Gives back the credit of an open that was granted but never reached System.Net.Quic (the connection closed first).</summary>
    public void ReturnUnused()
    {
        if (Opened > 0) Opened--;
    }

    /// <summary>Completes every waiting open with false: the connection is gone.</summary>
    public void Close()
    {
        while (_waiters.Count > 0) _waiters.Dequeue().Settle(false);
    }

    /// <summary>One open waiting for credit.</summary>
    internal sealed class Waiter
    {
        private readonly TaskCompletionSource<bool> _granted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>True once granted credit; false once removed or the ledger closed.</summary>
        public Task<bool> Granted => _granted.Task;

        internal bool IsSettled => _granted.Task.IsCompleted;

        internal void Settle(bool granted) => _granted.TrySetResult(granted);
    }
}
