namespace QuicActors.Transport.InMemory.Internal;

/// <summary>
/// The two endpoints of one connection and the wire between them. One lock guards both endpoints' state: every
/// command and every frame delivery runs under it, so the model stays simple and a run is a pure function of the
/// commands, the seed and the clock.
/// </summary>
/// <remarks>
/// Frames due now go to a FIFO and are delivered before the command that sent them returns (<see cref="Pump"/>);
/// delayed frames wait in a queue ordered by (due time, send order) for a timer on the engine's clock. Handshake
/// frames are barriers: nothing sent after one in the same direction is delivered before it.
/// </remarks>
internal sealed class InMemoryWire : IDisposable
{
    private readonly Queue<Frame> _now = new();
    private readonly PriorityQueue<Frame, (long Due, long Sequence)> _delayed = new();
    private readonly TimeProvider _time;
    private readonly FaultPlan? _plan;
    private readonly Random? _random;
    private readonly List<FaultInjection> _injections = [];
    private readonly long _connectTimestamp;
    private ITimer? _delayTimer;
    private ITimer? _injectionTimer;
    private long _timerDue = long.MaxValue;
    private long _sequence;
    private bool _pumping;
    private bool _disposed;

    // Per direction (index 0: to server, 1: to client): when the last handshake frame is due, and how many are pending.
    private readonly long[] _barrierDue = new long[2];
    private readonly int[] _pendingBarriers = new int[2];

    public InMemoryWire(TimeProvider time, FaultPlan? plan, int seed, int ordinal, InMemoryListener listener, TimeSpan earlyDataRoundTrip)
    {
        EarlyDataRoundTrip = earlyDataRoundTrip;
        _time = time;
        _plan = plan;
        Ordinal = ordinal;
        Listener = listener;
        _connectTimestamp = time.GetTimestamp();
        if (plan is not null)
        {
            _random = plan.DelayProbability > 0 ? new Random(HashCode.Combine(seed, ordinal, 0x51C)) : null;
            foreach (var injection in plan.Injections)
            {
                if (injection.Connection == ordinal) _injections.Add(injection);
            }
        }
    }

    public Lock Gate { get; } = new();

    /// <summary>Which connection of the client engine this is, counting from 0.</summary>
    public int Ordinal { get; }

    public InMemoryListener Listener { get; }

    public InMemoryConnection Client { get; set; } = null!;

    public InMemoryConnection? Server { get; set; }

    public TimeProvider Time => _time;

    public TimeSpan EarlyDataRoundTrip { get; }

    /// <summary>Schedules <paramref name="frame"/>, at least <paramref name="minimumDelay"/> from now. Caller holds <see cref="Gate"/>.</summary>
    public void Send(Frame frame, TimeSpan minimumDelay = default)
    {
        if (_disposed)
        {
            frame.ReturnBuffer();
            return;
        }
        var direction = frame.ToServer ? 0 : 1;
        var now = _time.GetTimestamp();
        var due = now;
        if (_random is not null && _random.NextDouble() < _plan!.DelayProbability)
        {
            var span = (_plan.MaxDelay - _plan.MinDelay).Ticks;
            var delay = _plan.MinDelay + TimeSpan.FromTicks(span == 0 ? 0 : _random.NextInt64(span + 1));
            due = now + (long)(delay.TotalSeconds * _time.TimestampFrequency);
        }
        if (minimumDelay > TimeSpan.Zero) due = Math.Max(due, now + (long)(minimumDelay.TotalSeconds * _time.TimestampFrequency));
        var delayed = due > now;
        if (_pendingBarriers[direction] > 0)
        {
            due = Math.Max(due, _barrierDue[direction]);
            delayed = true;
        }
        frame.Sequence = ++_sequence;
        if (!delayed)
        {
            _now.Enqueue(frame);
            return;
        }
        frame.Delayed = true;
        if (frame.IsHandshake)
        {
            _pendingBarriers[direction]++;
            _barrierDue[direction] = due;
        }
        _delayed.Enqueue(frame, (due, frame.Sequence));
        ArmDelayTimer();
    }

    /// <summary>Delivers frames that are due now, including those sent while delivering. Caller holds <see cref="Gate"/>.</summary>
    public void Pump()
    {
        if (_pumping) return;
        _pumping = true;
        try
        {
            while (_now.TryDequeue(out var frame)) Deliver(frame);
        }
        finally
        {
            _pumping = false;
        }
    }

    private void Deliver(Frame frame)
    {
        if (frame.IsHandshake && frame.Delayed) _pendingBarriers[frame.ToServer ? 0 : 1]--;
        if (frame.ToServer)
        {
            if (Server is null)
            {
                if (frame.Kind == FrameKind.ClientHello) Listener.OnClientHello(this, (ClientHello)frame.Payload!, frame);
                else frame.ReturnBuffer(); // a 0-RTT frame with no server to hold it
                return;
            }
            Server.OnFrame(frame);
        }
        else
        {
            Client.OnFrame(frame);
        }
    }

    private void ArmDelayTimer()
    {
        if (!_delayed.TryPeek(out _, out var next)) return;
        if (next.Due >= _timerDue) return;
        _timerDue = next.Due;
        var wait = TimeSpan.FromSeconds(Math.Max(0, next.Due - _time.GetTimestamp()) / (double)_time.TimestampFrequency);
        _delayTimer ??= _time.CreateTimer(static state => ((InMemoryWire)state!).OnDelayTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _delayTimer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    private void OnDelayTimer()
    {
        lock (Gate)
        {
            if (_disposed) return;
            _timerDue = long.MaxValue;
            var now = _time.GetTimestamp();
            while (_delayed.TryPeek(out var frame, out var key) && key.Due <= now)
            {
                _delayed.Dequeue();
                Deliver(frame);
                Pump();
            }
            ArmDelayTimer();
        }
    }

    /// <summary>Arms the timer of <see cref="FaultTrigger.AtTime"/> injections. Caller holds <see cref="Gate"/>.</summary>
    public void StartInjectionTimer()
    {
        TimeSpan? first = null;
        foreach (var injection in _injections)
        {
            if (injection.Trigger is FaultTrigger.AtTime at && (first is null || at.SinceConnect < first)) first = at.SinceConnect;
        }
        if (first is null) return;
        var elapsed = _time.GetElapsedTime(_connectTimestamp);
        _injectionTimer ??= _time.CreateTimer(static state => ((InMemoryWire)state!).OnInjectionTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _injectionTimer.Change(first.Value > elapsed ? first.Value - elapsed : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void OnInjectionTimer()
    {
        lock (Gate)
        {
            if (_disposed) return;
            var elapsed = _time.GetElapsedTime(_connectTimestamp);
            for (var i = 0; i < _injections.Count; i++)
            {
                if (_injections[i].Trigger is FaultTrigger.AtTime at && at.SinceConnect <= elapsed)
                {
                    var injection = _injections[i];
                    _injections.RemoveAt(i--);
                    EndpointOf(injection.Actor)?.Inject(injection.Action);
                }
            }
            Pump();
            StartInjectionTimer();
        }
    }

    public bool HasInjections => _injections.Count > 0;

    /// <summary>Fires injections of <paramref name="endpoint"/> whose trigger now holds. Caller holds <see cref="Gate"/>.</summary>
    public void CheckInjections(InMemoryConnection endpoint, long framesReceived, bool atHandshake)
    {
        for (var i = 0; i < _injections.Count; i++)
        {
            var injection = _injections[i];
            if (injection.Actor != endpoint.Role) continue;
            var fire = injection.Trigger switch
            {
                FaultTrigger.FramesReceived f => framesReceived >= f.Count,
                FaultTrigger.StreamBytesReceived s => endpoint.ReceivedBytesOf(s.StreamId) >= s.ByteCount,
                FaultTrigger.AtHandshake => atHandshake,
                _ => false,
            };
            if (!fire || injection.Action is FaultAction.RejectEarlyData) continue;
            _injections.RemoveAt(i--);
            endpoint.Inject(injection.Action);
        }
    }

    /// <summary>Whether an injection tells the server to reject 0-RTT; consumes it. Caller holds <see cref="Gate"/>.</summary>
    public bool TakeEarlyDataRejection()
    {
        var index = _injections.FindIndex(i => i.Action is FaultAction.RejectEarlyData);
        if (index < 0) return false;
        _injections.RemoveAt(index);
        return true;
    }

    private InMemoryConnection? EndpointOf(QuicConnectionRole role) => role == QuicConnectionRole.Client ? Client : Server;

    /// <summary>Drops undelivered frames once both ends are closed. Caller holds <see cref="Gate"/>.</summary>
    public void DisposeIfIdle()
    {
        if (!Client.IsClosed || Server is { IsClosed: false } || _now.Count > 0) return;
        if (Server is null && _delayed.Count > 0) return;
        Dispose();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _delayTimer?.Dispose();
        _injectionTimer?.Dispose();
        while (_delayed.TryDequeue(out var frame, out _)) frame.ReturnBuffer();
        while (_now.TryDequeue(out var frame)) frame.ReturnBuffer();
    }
}
