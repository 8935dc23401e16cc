using QuicActors.Kernel;
using QuicActors.Kernel.Internal;

namespace QuicActors.Streams.Internal;

/// <summary>
/// Runs one actor-style stream handler: the handler actor is its child. The bridge reads the stream and forwards the bytes,
/// the transitions and the end of the stream as messages, carries out the handler's write/complete/abort messages on the
/// handle, aborts the stream in both directions with the configured code when the handler fails, and releases the handle
/// to the linger policy when the handler stops.
/// </summary>
/// <remarks>
/// Reading and the transitions both go through this actor's mailbox, so the handler sees them in one order. Reads are
/// one at a time: the bridge asks for the next chunk only after it has forwarded the previous one, and only while fewer than
/// the read-ahead's bytes wait unhandled in the handler's mailbox. Each chunk is followed by a kernel
/// <see cref="Kernel.Internal.DeliveryReceipt"/> that comes back once the handler has taken the chunk, so the bound holds
/// without the handler acknowledging anything; a read consumes what it returns, so at the bound the peer is held back by
/// flow control instead of filling this process's memory.
/// </remarks>
internal sealed class StreamHandlerBridge : ReceiveActor
{
    private const int ReadChunkSize = 16 * 1024;
    private readonly StreamHandle _handle;
    private readonly Props _handlerProps;
    private readonly long _failureCode;
    private readonly long _readAhead;

    // One read at a time, so one buffer: each chunk is copied out to an array of its exact size that the message owns.
    private readonly byte[] _readBuffer = new byte[ReadChunkSize];
    private IActorRef _handler = ActorRefs.Nobody;
    private IDisposable? _subscription;
    private bool _closing;
    private bool _readPending;
    private bool _streamEnded;

    // Bytes told to the handler whose receipts have not come back, and whether reading waits for them.
    private long _unhandled;
    private bool _readPaused;

    private StreamHandlerBridge(StreamHandle handle, Props handlerProps, long failureCode, long readAhead)
    {
        _handle = handle;
        _handlerProps = handlerProps;
        _failureCode = failureCode;
        _readAhead = readAhead;
        Receive<ReadOutcome>(OnReadOutcome);
        Receive<DataHandled>(OnDataHandled);
        Receive<TransitionSeen>(t => _handler.Tell(new StreamStateChanged(t.Transition), Self));
        Receive<StreamEnded>(_ =>
        {
            _streamEnded = true;
            if (_readPaused)
            {
                // The stream is over: the last read reports how it ended (a reset, the connection's end), whatever waits.
                _readPaused = false;
                ReadNext();
            }

            CloseWhenDone();
        });
        Receive<StreamWrite>(w => Write(w, w.Data, w.CompleteWrites));
        Receive<StreamCompleteWrites>(c => Write(c, ReadOnlyMemory<byte>.Empty, fin: true));
        Receive<StreamAbort>(OnAbort);
        Receive<Terminated>(t => OnHandlerTerminated(t));
    }

    public static Props Props(StreamHandle handle, Props handlerProps, long failureCode, long readAhead) =>
        Kernel.Props.Create(() => new StreamHandlerBridge(handle, handlerProps, failureCode, readAhead));

    protected override void PreStart()
    {
        _handler = Context.Watch(Context.ActorOf(_handlerProps, "handler"));
        _handler.Tell(new StreamOpened(_handle.Stamp, _handle.CanRead, _handle.CanWrite), Self);
        _subscription = _handle.Transitions.Subscribe(new Forwarder(Self));
        if (_handle.CanRead)
        {
            ReadNext();
        }
    }

    protected override void PostStop()
    {
        _subscription?.Dispose();
        _handle.Release();
    }

    /// <summary>A handler that throws is stopped, never restarted: a restarted handler would have missed the stream's past.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(OnHandlerFailure);

    private Directive OnHandlerFailure(Exception failure)
    {
        Context.System.Log.Warning(failure, "Stream handler actor of {Stream} failed; aborting the stream with code {Code}", _handle.Stamp, _failureCode);
        TryOnHandle(() => _handle.Abort(StreamAbortDirection.Both, _failureCode));
        return Directive.Stop;
    }

    private void ReadNext()
    {
        _readPending = true;
        // Never past the read-ahead (unless the stream has ended and only its outcome is left to read).
        var room = _streamEnded ? ReadChunkSize : (int)Math.Min(ReadChunkSize, Math.Max(1, _readAhead - _unhandled));
        _handle.ReadAsync(_readBuffer.AsMemory(0, room)).ContinueWith(
            static (read, state) =>
            {
                var self = (IActorRef)state!;
                self.Tell(read.IsCompletedSuccessfully ? new ReadOutcome(read.Result, null) : new ReadOutcome(0, read.Exception!.InnerException ?? read.Exception), ActorRefs.NoSender);
            },
            Self,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnReadOutcome(ReadOutcome outcome)
    {
        _readPending = false;
        if (outcome.Failure is { } failure)
        {
            _handler.Tell(new StreamInputAborted(failure), Self);
        }
        else if (outcome.Count == 0)
        {
            _handler.Tell(StreamEndOfData.Instance, Self);
        }
        else
        {
            _handler.Tell(new StreamData(_readBuffer.AsSpan(0, outcome.Count).ToArray()), Self);
            _unhandled += outcome.Count;
            _handler.Tell(new DeliveryReceipt(Self, new DataHandled(outcome.Count)), Self);
            if (_unhandled < _readAhead || _streamEnded)
            {
                ReadNext();
            }
            else
            {
                _readPaused = true;
            }
        }

        CloseWhenDone();
    }

    private void OnDataHandled(DataHandled handled)
    {
        _unhandled -= handled.Count;
        if (_readPaused && _unhandled < _readAhead)
        {
            _readPaused = false;
            ReadNext();
        }
    }

    private void Write(object command, ReadOnlyMemory<byte> data, bool fin)
    {
        // Answer whoever asked (the handler may have handed the bridge's ref to a helper), or the handler when nobody did.
        var handler = Sender.Equals(Context.System.DeadLetters) ? _handler : Sender;
        Task write;
        try
        {
            write = _handle.WriteAsync(data, fin);
        }
        catch (Exception ex) when (ex is StaleHandleException or InvalidOperationException)
        {
            handler.Tell(new StreamWriteFailed(command, ex), Self);
            return;
        }

        var self = Self;
        write.ContinueWith(
            t => handler.Tell(new StreamWriteFailed(command, t.Exception!.InnerException ?? t.Exception), self),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnAbort(StreamAbort abort) => TryOnHandle(() => _handle.Abort(abort.Direction, abort.ErrorCode));

    /// <summary>The stream actor stopped: once the last read is answered (it may still be on its way), say goodbye to the handler.</summary>
    private void CloseWhenDone()
    {
        if (_closing || !_streamEnded || _readPending)
        {
            return;
        }

        // StreamClosed, then an ordinary PoisonPill: a Stop would be a system message and overtake StreamClosed.
        _closing = true;
        _handler.Tell(StreamClosed.Instance, Self);
        _handler.Tell(PoisonPill.Instance, Self);
    }

    private void OnHandlerTerminated(Terminated terminated)
    {
        if (terminated.ActorRef.Equals(_handler))
        {
            Context.Stop(Self);
        }
    }

    private void TryOnHandle(Action action)
    {
        try
        {
            action();
        }
        catch (StaleHandleException ex)
        {
            // The generation or the connection ended: the stream is gone with it and nothing may reach the wire.
            Context.System.Log.Debug(ex, "Stream handler bridge of {Stream}: handle is stale", _handle.Stamp);
        }
    }

    private sealed record ReadOutcome(int Count, Exception? Failure);

    /// <summary>The handler has taken a chunk of this many bytes (the token of its <see cref="DeliveryReceipt"/>).</summary>
    private sealed record DataHandled(int Count);

    private sealed record TransitionSeen(StreamTransition Transition);

    private sealed class StreamEnded
    {
        public static readonly StreamEnded Instance = new();
    }

    private sealed class Forwarder(IActorRef bridge) : IObserver<StreamTransition>
    {
        public void OnCompleted() => bridge.Tell(StreamEnded.Instance, ActorRefs.NoSender);

        public void OnError(Exception error) => bridge.Tell(StreamEnded.Instance, ActorRefs.NoSender);

        public void OnNext(StreamTransition value) => bridge.Tell(new TransitionSeen(value), ActorRefs.NoSender);
    }
}
