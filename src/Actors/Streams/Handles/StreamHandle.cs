using QuicActors.Kernel;
using QuicActors.Streams.Internal;
using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>
/// What user code holds for one QUIC stream: reads with deadlines, backpressured writes, completion, abort, the current
/// half states and every transition. Stamped with (connection, generation, stream ID): once its generation has ended the
/// handle is inert, every operation throws <see cref="StaleHandleException"/> and nothing reaches the wire.
/// </summary>
/// <remarks>
/// <para>Every command is a message to the <see cref="ConnectionActor"/>, which passes it through the generation gate and
/// hands it to the stream's actor (invariant 5); the actor's halves check the generation again right before each engine
/// call. Disposing the handle, or returning from a server stream handler, releases the stream to the connection's
/// <see cref="LingerPolicy"/>.</para>
/// <para>Transitions are delivered to observers on the stream actor's turn, which is its connection actor's; observers must
/// not block.</para>
/// </remarks>
public sealed partial class StreamHandle : IAsyncDisposable
{
    // Every command goes to the connection actor, which gates it on the generation and hands it to the stream actor it hosts.
    private readonly IActorRef _connection;
    private readonly GenerationTracker _generations;
    // Created on first use: most streams never look at their abort token or their transitions, and an idle stream must stay
    // within 2 KB per side (the lifecycle benchmark's target).
    private CancellationTokenSource? _aborted;
    private object? _observersGate;
    private static readonly object s_endedBeforeAnySubscriber = new();
    private TransitionObservable? _transitions;
    // PeerAbortSignalled | PeerResetReadSent, set with Interlocked.Or: one word instead of two on every handle.
    private const int PeerAbortSignalled = 1;
    private const int PeerResetReadSent = 2;
    private int _signals;
    private IObserver<StreamTransition>[] _observers = [];
    private int _sendState;
    private int _receiveState;
    private int _released;
    private static readonly Task<int> CompletedEndOfStream = Task.FromResult(0);
    private volatile bool _endOfStreamRead;
    private volatile bool _endOfDataDelivered;
    private volatile StreamAbortedException? _sendAbort;
    private volatile StreamAbortedException? _receiveAbort;
    private volatile bool _ended;

    internal StreamHandle(StreamHandleStamp stamp, QuicConnectionRole role, IActorRef connection, GenerationTracker generations)
    {
        _readGate = stamp.StreamId.HasReceiveHalf(role) ? new object() : null;
        Stamp = stamp;
        _connection = connection;
        _generations = generations;
        CanWrite = stamp.StreamId.HasSendHalf(role);
        CanRead = stamp.StreamId.HasReceiveHalf(role);
        _sendState = CanWrite ? (int)Streams.SendState.Ready : -1;
        _receiveState = CanRead ? (int)Streams.ReceiveState.Recv : -1;
    }

    /// <summary>The stream's stamp: connection, generation and stream ID.</summary>
    public StreamHandleStamp Stamp { get; }

    /// <summary>The stream ID (RFC 9000 §2.1).</summary>
    public QuicStreamId StreamId => Stamp.StreamId;

    /// <summary>Whether this endpoint has a send half on the stream.</summary>
    public bool CanWrite { get; }

    /// <summary>Whether this endpoint has a receive half on the stream.</summary>
    public bool CanRead { get; }

    /// <summary>The send half's current state; <see langword="null"/> when the stream has no send half here.</summary>
    public SendState? SendState => Volatile.Read(ref _sendState) is var s and >= 0 ? (Streams.SendState)s : null;

    /// <summary>The receive half's current state; <see langword="null"/> when the stream has no receive half here.</summary>
    public ReceiveState? ReceiveState => Volatile.Read(ref _receiveState) is var s and >= 0 ? (Streams.ReceiveState)s : null;

    /// <summary>Every half-state transition, published once, in order, as it happens. Completes when the stream actor stops.</summary>
    public IObservable<StreamTransition> Transitions => _transitions ??= new TransitionObservable(this);

    /// <summary>
    /// Fires when the peer aborts a direction (RESET_STREAM or STOP_SENDING), when the connection closes, or when the
    /// stream's actor stops with a half still open (its connection actor stopped, say at a host's shutdown, or a half
    /// failed): whenever the stream can no longer finish normally.
    /// </summary>
    public CancellationToken PeerAborted
    {
        get
        {
            var aborted = Volatile.Read(ref _aborted);
            if (aborted is null)
            {
                var created = new CancellationTokenSource();
                aborted = Interlocked.CompareExchange(ref _aborted, created, null) ?? created;
                if (!ReferenceEquals(aborted, created))
                {
                    created.Dispose();
                }
                else if ((Volatile.Read(ref _signals) & PeerAbortSignalled) != 0)
                {
                    // The abort came before anyone asked for the token (SignalPeerAbort saw no source to cancel).
                    _ = aborted.CancelAsync();
                }
            }

            return aborted.Token;
        }
    }

    private object ObserversGate
    {
        get
        {
            var gate = Volatile.Read(ref _observersGate);
            return gate ?? Interlocked.CompareExchange(ref _observersGate, new object(), null) ?? _observersGate!;
        }
    }

    /// <summary>
    /// Reads up to <paramref name="buffer"/>.Length bytes; 0 means the end of the stream was read. When
    /// <paramref name="deadline"/> passes first, this read fails with <see cref="TimeoutException"/> and the stream stays
    /// usable: no byte is lost and nothing is sent to the peer.
    /// </summary>
    /// <exception cref="StaleHandleException">The handle's generation has ended.</exception>
    /// <exception cref="StreamAbortedException">The receive half was aborted, locally or by the peer.</exception>
    /// <exception cref="InvalidOperationException">The stream has no receive half here, or it has ended.</exception>
    public Task<int> ReadAsync(Memory<byte> buffer, TimeSpan? deadline = null)
    {
        ThrowIfStale();
        if (!CanRead)
        {
            throw new InvalidOperationException($"Stream {StreamId} has no receive half at this endpoint.");
        }

        if (deadline is { } d && d < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(deadline), d, "A read deadline cannot be negative.");
        }

        if (_receiveAbort is { } aborted)
        {
            if (aborted.ByPeer && (Interlocked.Or(ref _signals, PeerResetReadSent) & PeerResetReadSent) == 0)
            {
                // This read tells the application of the peer's reset: the stream actor learns of it (Reset Recvd → Reset
                // Read), or the half would wait for a read that the handle has answered already.
                _connection.Tell(new PeerResetRead(Stamp), ActorRefs.NoSender);
            }

            return Task.FromException<int>(aborted);
        }

        if (_endOfStreamRead)
        {
            return CompletedEndOfStream;
        }

        if (_endOfDataDelivered && !buffer.IsEmpty)
        {
            // Every byte was read and the peer's FIN is in: this read is EOF, answered here. The stream actor learns of it
            // with a one-way notice (Data Recvd → Data Read) instead of a read it must answer: no completion source and no
            // continuation to schedule.
            _endOfStreamRead = true;
            _connection.Tell(new EndOfStreamRead(Stamp), ActorRefs.NoSender);
            return CompletedEndOfStream;
        }

        if (TryReadOffered(buffer) is { } offered)
        {
            return offered;
        }

        var completion = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        // TryReadOffered counted this read as sent unless the buffer is empty: its answer uncounts it.
        _connection.Tell(new ReadCommand(Stamp, buffer, deadline, completion) { Origin = buffer.IsEmpty ? null : this }, ActorRefs.NoSender);
        return completion.Task;
    }

    /// <summary>
    /// Writes <paramref name="data"/> (the engine copies it), with FIN when <paramref name="completeWrites"/> is true.
    /// Completes when the engine has buffer space for it: this is the send backpressure.
    /// </summary>
    /// <exception cref="StaleHandleException">The handle's generation has ended.</exception>
    /// <exception cref="InvalidOperationException">The stream has no send half here, writes were completed, or the stream has ended.</exception>
    public Task WriteAsync(ReadOnlyMemory<byte> data, bool completeWrites = false)
    {
        ThrowIfStale();
        if (!CanWrite)
        {
            throw new InvalidOperationException($"Stream {StreamId} has no send half at this endpoint.");
        }

        if (_sendAbort is { } aborted)
        {
            return Task.FromException(aborted);
        }

        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connection.Tell(new WriteCommand(Stamp, data, completeWrites, completion) { Origin = this }, ActorRefs.NoSender);
        return completion.Task;
    }

    /// <summary>Ends the send half with FIN after the bytes already written (RFC 9000 §3.1).</summary>
    /// <exception cref="StaleHandleException">The handle's generation has ended.</exception>
    public Task CompleteWritesAsync() => WriteAsync(ReadOnlyMemory<byte>.Empty, completeWrites: true);

    /// <summary>
    /// Aborts <paramref name="direction"/> with <paramref name="errorCode"/>: every pending operation of that direction
    /// fails at once with <see cref="StreamAbortedException"/>, and STOP_SENDING / RESET_STREAM go to the peer.
    /// </summary>
    /// <exception cref="StaleHandleException">The handle's generation has ended; nothing is sent.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="errorCode"/> is outside 0..2^62-1 (RFC 9000 §20.2).</exception>
    public void Abort(StreamAbortDirection direction, long errorCode)
    {
        if (errorCode is < 0 or > QuicStreamId.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(errorCode), errorCode, "An application error code must be between 0 and 2^62-1 (RFC 9000 §20.2).");
        }

        ThrowIfStale();
        if ((direction & StreamAbortDirection.Read) != 0)
        {
            CloseReadAhead();
        }

        _connection.Tell(new AbortCommand(Stamp, direction, errorCode), ActorRefs.NoSender);
    }

    /// <summary>Releases the stream to the linger policy; the handle must not be used afterwards. Idempotent.</summary>
    public ValueTask DisposeAsync()
    {
        Release();
        return ValueTask.CompletedTask;
    }

    internal void Release()
    {
        // Once both halves are terminal the stream actor is stopping: the linger policy has nothing left to do, and the
        // command would be one message more for the connection to answer for a stream that has gone (common: the peer's
        // acknowledgement often ends a stream before its handler returns).
        if (Interlocked.Exchange(ref _released, 1) == 0 && !_ended && !BothHalvesTerminal)
        {
            _connection.Tell(new ReleaseCommand(Stamp), ActorRefs.NoSender);
        }
    }

    /// <summary>
    /// Whether every half the stream has here was last seen terminal (the stream actor publishes each state before it
    /// stops), or, for the receive half, is sure to be: the application read EOF, and the notice that moves the half to Data
    /// Read is already on its way ahead of any release. The linger policy would then have nothing to do.
    /// </summary>
    private bool BothHalvesTerminal =>
        (!CanWrite || SendStateMachine.IsTerminal((Streams.SendState)Volatile.Read(ref _sendState)))
        && (!CanRead || _endOfStreamRead || ReceiveStateMachine.IsTerminal((Streams.ReceiveState)Volatile.Read(ref _receiveState)));

    /// <summary>The abort that ended the send half, once the handle knows of it.</summary>
    internal StreamAbortedException? SendAbort => _sendAbort;

    /// <summary>The abort that ended the receive half, once the handle knows of it.</summary>
    internal StreamAbortedException? ReceiveAbort => _receiveAbort;

    internal void MarkEndOfStreamRead() => _endOfStreamRead = true;

    /// <summary>
    /// Called by the receive half, before it completes the read that took the last byte of a stream whose FIN is in: the
    /// next read is EOF and needs no answer from the actor.
    /// </summary>
    internal void MarkEndOfDataDelivered() => _endOfDataDelivered = true;

    /// <summary>Called by the stream actor, on its turn, for each transition; remembers the abort that ended a half so later operations report it.</summary>
    internal void Publish(in StreamTransition transition)
    {
        if (transition.Half == StreamHalf.Send)
        {
            Volatile.Write(ref _sendState, (int)transition.Send.To);
            if (transition.Send.To == Streams.SendState.ResetSent)
            {
                _sendAbort ??= new StreamAbortedException(StreamHalf.Send, (long)(transition.Send.ErrorCode ?? 0), transition.Cause == TransitionCause.PeerStopSending);
            }
        }
        else
        {
            Volatile.Write(ref _receiveState, (int)transition.Receive.To);
            if (transition.Cause is TransitionCause.PeerReset or TransitionCause.LocalStopSending)
            {
                _receiveAbort ??= new StreamAbortedException(StreamHalf.Receive, (long)(transition.Receive.ErrorCode ?? 0), transition.Cause == TransitionCause.PeerReset);
            }
        }

        foreach (var observer in Volatile.Read(ref _observers))
        {
            observer.OnNext(transition);
        }
    }

    internal void SignalPeerAbort()
    {
        // A full fence before reading the source, paired with the compare-exchange in PeerAborted: one of the two cancels.
        Interlocked.Or(ref _signals, PeerAbortSignalled);
        if (Volatile.Read(ref _aborted) is { IsCancellationRequested: false } aborted)
        {
            // Not inline: a handler's cancellation callbacks must not run on the stream actor's (its connection's) turn.
            _ = aborted.CancelAsync();
        }
    }

    /// <summary>Called by the stream actor when it stops.</summary>
    internal void Complete()
    {
        _ended = true;
        // Nobody ever subscribed (the usual case), so no gate was made: none is made now. A later subscriber locks the
        // shared one and sees the stream ended (the exchange is a full fence after the write above).
        if (Interlocked.CompareExchange(ref _observersGate, s_endedBeforeAnySubscriber, null) is null)
        {
            return;
        }

        IObserver<StreamTransition>[] observers;
        lock (ObserversGate)
        {
            observers = _observers;
            _observers = [];
        }

        foreach (var observer in observers)
        {
            observer.OnCompleted();
        }
    }

    private void ThrowIfStale()
    {
        if (!_generations.IsCurrent(Stamp))
        {
            _generations.ThrowIfNotAdmitted(Stamp);
        }
    }

    private sealed class TransitionObservable(StreamHandle owner) : IObservable<StreamTransition>
    {
        public IDisposable Subscribe(IObserver<StreamTransition> observer)
        {
            ArgumentNullException.ThrowIfNull(observer);
            lock (owner.ObserversGate)
            {
                if (owner._ended)
                {
                    observer.OnCompleted();
                    return Unsubscriber.None;
                }

                owner._observers = [.. owner._observers, observer];
            }

            return new Unsubscriber(owner, observer);
        }
    }

    private sealed class Unsubscriber(StreamHandle? owner, IObserver<StreamTransition>? observer) : IDisposable
    {
        public static readonly Unsubscriber None = new(null, null);

        public void Dispose()
        {
            if (owner is null || observer is null)
            {
                return;
            }

            lock (owner.ObserversGate)
            {
                owner._observers = Array.FindAll(owner._observers, o => !ReferenceEquals(o, observer));
            }
        }
    }
}
