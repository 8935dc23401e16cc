using Serilog.Events;

namespace QuicActors.TestKit;

/// <summary>Every log event of one TestKit's actor system, in arrival order, for event filters.</summary>
internal sealed class LogCapture
{
    private readonly Lock _gate = new();
    private readonly List<LogEvent> _events = [];

    public int Count
    {
        get { lock (_gate) { return _events.Count; } }
    }

    public void Add(LogEvent logEvent)
    {
        lock (_gate) { _events.Add(logEvent); }
    }

    public List<LogEvent> Since(int index)
    {
        lock (_gate) { return _events.GetRange(index, _events.Count - index); }
    }
}
