using System.Text;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Conformance.Tests.Harness;

/// <summary>
/// Reads a connection's events in the background and keeps them for assertions: every event in order, the bytes of
/// each stream, and waits for "the next event like this" with a real-time bound. Data events are copied and disposed
/// at once; with <c>autoConsume</c> the bytes are also reported consumed, as an application reading eagerly would.
/// </summary>
public sealed class ConnectionEvents : IAsyncDisposable
{
    private readonly IQuicEngineConnection _connection;
    private readonly TimeSpan _timeout;
    private readonly List<EngineEvent> _events = [];
    private readonly HashSet<int> _claimed = [];
    private readonly Dictionary<QuicStreamId, StreamBytes> _streams = [];
    private readonly Task _pump;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConnectionEvents(IQuicEngineConnection connection, TimeSpan timeout, bool autoConsume = true)
    {
        _connection = connection;
        _timeout = timeout;
        AutoConsume = autoConsume;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Whether received bytes are reported consumed as soon as they arrive.</summary>
    public bool AutoConsume { get; set; }

    /// <summary>Every event so far, in order.</summary>
    public IReadOnlyList<EngineEvent> All
    {
        get { lock (_events) { return _events.ToArray(); } }
    }

    private async Task PumpAsync()
    {
        await foreach (var e in _connection.Events.ReadAllAsync().ConfigureAwait(false))
        {
            int consume = 0;
            lock (_events)
            {
                if (e is StreamDataReceived data)
                {
                    if (!_streams.TryGetValue(data.StreamId, out var bytes)) _streams[data.StreamId] = bytes = new StreamBytes();
                    bytes.Data.Write(data.Data.Span);
                    bytes.Fin |= data.IsFin;
                    data.Dispose();
                    if (AutoConsume) consume = data.Length;
                }
                if (e is DatagramReceived datagram) Datagrams.Add(datagram.Payload.ToArray());
                _events.Add(e);
            }
            if (consume > 0)
            {
                try
                {
                    _connection.Consume(((StreamDataReceived)e).StreamId, consume);
                }
                catch (QuicTransportException)
                {
                    // The stream was released or the connection closed meanwhile: nothing left to extend.
                }
            }
            if (e is DatagramReceived d) d.Dispose();
            Signal();
        }
        Signal();
    }

    /// <summary>Payloads of the datagrams received, in order.</summary>
    public List<byte[]> Datagrams { get; } = [];

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_events)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>Waits for the first event of type <typeparamref name="T"/> matching <paramref name="match"/> that no earlier wait took.</summary>
    public Task<T> NextAsync<T>(Func<T, bool>? match = null) where T : EngineEvent =>
        WaitUntilAsync(() =>
        {
            for (var i = 0; i < _events.Count; i++)
            {
                if (!_claimed.Contains(i) && _events[i] is T e && (match is null || match(e)))
                {
                    _claimed.Add(i);
                    return e;
                }
            }
            return null;
        }, $"a {typeof(T).Name}");

    /// <summary>Whether an event of type <typeparamref name="T"/> matching <paramref name="match"/> has arrived.</summary>
    public bool Has<T>(Func<T, bool>? match = null) where T : EngineEvent
    {
        lock (_events) { return _events.OfType<T>().Any(e => match is null || match(e)); }
    }

    /// <summary>Waits for the FIN of <paramref name="streamId"/> and returns every byte of the stream.</summary>
    public Task<byte[]> ReadToEndAsync(QuicStreamId streamId) =>
        WaitUntilAsync(() => _streams.TryGetValue(streamId, out var b) && b.Fin ? b.Data.ToArray() : null, $"the FIN of stream {streamId}");

    /// <summary>Waits until at least <paramref name="count"/> bytes of <paramref name="streamId"/> arrived.</summary>
    public Task<byte[]> ReadAtLeastAsync(QuicStreamId streamId, long count) =>
        WaitUntilAsync(() => _streams.TryGetValue(streamId, out var b) && b.Data.Length >= count ? b.Data.ToArray() : null, $"{count} bytes on stream {streamId}");

    /// <summary>How many bytes of <paramref name="streamId"/> arrived so far.</summary>
    public long BytesReceived(QuicStreamId streamId)
    {
        lock (_events) { return _streams.TryGetValue(streamId, out var b) ? b.Data.Length : 0; }
    }

    /// <summary>The bytes of <paramref name="streamId"/> so far, as UTF-8.</summary>
    public string Text(QuicStreamId streamId)
    {
        lock (_events) { return _streams.TryGetValue(streamId, out var b) ? Encoding.UTF8.GetString(b.Data.ToArray()) : ""; }
    }

    private async Task<T> WaitUntilAsync<T>(Func<T?> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow + _timeout;
        while (true)
        {
            Task changed;
            lock (_events)
            {
                var found = probe();
                if (found is not null) return found;
                changed = _changed.Task;
            }
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
                throw new TimeoutException($"Timed out after {_timeout.TotalSeconds} s waiting for {what}. Events so far: {string.Join(", ", All.Select(e => e.ToString()))}");
            try
            {
                await changed.WaitAsync(remaining).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"Timed out after {_timeout.TotalSeconds} s waiting for {what}. Events so far: {string.Join(", ", All.Select(e => e.ToString()))}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _pump.WaitAsync(_timeout);
    }

    private sealed class StreamBytes
    {
        public MemoryStream Data { get; } = new();

        public bool Fin { get; set; }
    }
}
