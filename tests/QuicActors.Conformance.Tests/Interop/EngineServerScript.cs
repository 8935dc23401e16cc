using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Conformance.Tests.Interop;

/// <summary>What <see cref="EngineServerScript"/> does with each stream the client opens.</summary>
internal enum EngineServerMode
{
    /// <summary>Read to FIN, write it all back with FIN; a peer's RESET_STREAM is answered with an empty FIN.</summary>
    Echo,

    /// <summary>STOP_SENDING with the script's code at once, then an empty FIN on our half.</summary>
    StopSending,

    /// <summary>Read 64 bytes (or to FIN), write the first half back, then RESET_STREAM with the script's code.</summary>
    Reset,
}

/// <summary>
/// Our engine in the server role with no actor layer: every connection the listener hands out gets a loop that
/// plays <see cref="EngineServerMode"/> on each stream, echoes datagrams, and, unless told not to, releases a
/// stream's slot (<see cref="IQuicEngineConnection.ReleaseStream"/>) once both of its halves are terminal. What
/// happened is recorded for assertions.
/// </summary>
internal sealed class EngineServerScript : IAsyncDisposable
{
    private readonly IQuicEngineListener _listener;
    private readonly EngineServerMode _mode;
    private readonly long _code;
    private readonly bool _releaseSlots;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<EngineEvent> _events = [];
    private readonly List<Exception> _failures = [];
    private readonly List<IQuicEngineConnection> _connections = [];
    private readonly List<Task> _loops = [];
    private readonly Task _acceptLoop;
    private int _released;

    public EngineServerScript(IQuicEngineListener listener, EngineServerMode mode, long code = 0, bool releaseSlots = true)
    {
        _listener = listener;
        _mode = mode;
        _code = code;
        _releaseSlots = releaseSlots;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>How many stream slots were given back to clients.</summary>
    public int Released => Volatile.Read(ref _released);

    /// <summary>Every event of every connection, in arrival order per connection.</summary>
    public IReadOnlyList<EngineEvent> Events
    {
        get { lock (_events) return [.. _events]; }
    }

    /// <summary>How many connections were accepted.</summary>
    public int Connections
    {
        get { lock (_connections) return _connections.Count; }
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var connection = await _listener.AcceptConnectionAsync(_stop.Token).ConfigureAwait(false);
                lock (_connections)
                {
                    _connections.Add(connection);
                    _loops.Add(Task.Run(() => ServeAsync(connection)));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(IQuicEngineConnection connection)
    {
        var streams = new Dictionary<QuicStreamId, StreamProgress>();
        try
        {
            await foreach (var e in connection.Events.ReadAllAsync().ConfigureAwait(false))
            {
                lock (_events) _events.Add(e);
                switch (e)
                {
                    case PeerStreamOpened opened:
                        // A unidirectional stream the client opened has no send half on our side.
                        var progress = streams[opened.StreamId] = new StreamProgress { SendDone = opened.StreamId.Direction == StreamDirection.Unidirectional };
                        if (_mode == EngineServerMode.StopSending)
                        {
                            connection.StopSending(opened.StreamId, _code);
                            progress.ReceiveDone = true;
                            await connection.WriteAsync(opened.StreamId, ReadOnlyMemory<byte>.Empty, fin: true).ConfigureAwait(false);
                        }
                        break;
                    case StreamDataReceived data:
                        await OnDataAsync(connection, streams[data.StreamId], data).ConfigureAwait(false);
                        break;
                    case PeerResetStream reset when streams.TryGetValue(reset.StreamId, out var s):
                        s.ReceiveDone = true;
                        if (_mode == EngineServerMode.Echo && !s.Replied)
                        {
                            s.Replied = true;
                            await TryWriteAsync(connection, reset.StreamId, ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
                        }
                        break;
                    case PeerStopSending stop when streams.TryGetValue(stop.StreamId, out var s):
                        s.SendDone = true;
                        break;
                    case StreamFinAcknowledged ack when streams.TryGetValue(ack.StreamId, out var s):
                        s.SendDone = true;
                        break;
                    case StreamResetAcknowledged ack when streams.TryGetValue(ack.StreamId, out var s):
                        s.SendDone = true;
                        break;
                    case DatagramReceived datagram:
                        connection.SendDatagram(datagram.Payload.Span);
                        datagram.Dispose();
                        break;
                }
                if (e is StreamEvent se && streams.TryGetValue(se.StreamId, out var done) && done.SendDone && done.ReceiveDone && !done.Released && _releaseSlots)
                {
                    done.Released = true;
                    connection.ReleaseStream(se.StreamId);
                    Interlocked.Increment(ref _released);
                }
            }
        }
        catch (QuicTransportException e) when (e.Error == QuicTransportError.ConnectionClosed)
        {
        }
        catch (Exception e)
        {
            lock (_events) _failures.Add(e);
            throw;
        }
    }

    /// <summary>Throws when a connection's loop failed, so a test reports the script's own error rather than a client timeout.</summary>
    public void ThrowIfFailed()
    {
        lock (_events)
        {
            if (_failures.Count > 0) throw new AggregateException("The engine server script failed.", _failures);
        }
    }

    private async Task OnDataAsync(IQuicEngineConnection connection, StreamProgress s, StreamDataReceived data)
    {
        using (data)
        {
            s.Request.Write(data.Data.Span);
            if (data.Length > 0) connection.Consume(data.StreamId, data.Length);
            if (data.IsFin) s.ReceiveDone = true;
            if (s.Replied) return;
            if (data.StreamId.Direction == StreamDirection.Unidirectional) return;
            if (_mode == EngineServerMode.Echo && data.IsFin)
            {
                s.Replied = true;
                await TryWriteAsync(connection, data.StreamId, s.Request.ToArray()).ConfigureAwait(false);
            }
            else if (_mode == EngineServerMode.Reset && (data.IsFin || s.Request.Length >= 64))
            {
                s.Replied = true;
                var request = s.Request.ToArray();
                await TryWriteAsync(connection, data.StreamId, request.AsMemory(0, Math.Min(request.Length, 64) / 2), fin: false).ConfigureAwait(false);
                connection.ResetStream(data.StreamId, _code);
                s.SendDone = true;
            }
        }
    }

    private static async Task TryWriteAsync(IQuicEngineConnection connection, QuicStreamId id, ReadOnlyMemory<byte> data, bool fin = true)
    {
        try
        {
            await connection.WriteAsync(id, data, fin).ConfigureAwait(false);
        }
        catch (QuicTransportException e) when (e.Error is QuicTransportError.StreamAborted or QuicTransportError.StreamDirectionClosed)
        {
            // The client's STOP_SENDING got there first; the engine answered it with RESET_STREAM.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _acceptLoop.ConfigureAwait(false);
        IQuicEngineConnection[] connections;
        Task[] loops;
        lock (_connections)
        {
            connections = [.. _connections];
            loops = [.. _loops];
        }
        foreach (var c in connections) await c.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private sealed class StreamProgress
    {
        public MemoryStream Request { get; } = new();

        public bool Replied { get; set; }

        public bool SendDone { get; set; }

        public bool ReceiveDone { get; set; }

        public bool Released { get; set; }
    }
}
