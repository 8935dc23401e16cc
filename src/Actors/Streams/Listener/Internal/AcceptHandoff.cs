using QuicActors.Transport;

namespace QuicActors.Streams.Internal;

/// <summary>
/// The connections the accept loop has handed to the listener actor that the actor has not yet taken. A message sent to an
/// actor that is stopping ends in dead letters, so without this a connection accepted in the instant the listener stops
/// would never be closed: whatever is still here when the actor stops is closed by its <c>PostStop</c>, and whatever the
/// loop accepts after that is closed by the loop itself.
/// </summary>
internal sealed class AcceptHandoff
{
    private readonly Lock _lock = new();
    private readonly HashSet<IQuicEngineConnection> _inFlight = new(ReferenceEqualityComparer.Instance);
    private bool _closed;

    /// <summary>Records <paramref name="connection"/> as on its way to the actor; false once the actor has stopped.</summary>
    public bool TryHandOff(IQuicEngineConnection connection)
    {
        lock (_lock)
        {
            return !_closed && _inFlight.Add(connection);
        }
    }

    /// <summary>The actor took <paramref name="connection"/>: it owns it from now on.</summary>
    public void Received(IQuicEngineConnection connection)
    {
        lock (_lock)
        {
            _inFlight.Remove(connection);
        }
    }

    /// <summary>Refuses every later hand-off and returns the connections the actor never took.</summary>
    public IReadOnlyList<IQuicEngineConnection> Close()
    {
        lock (_lock)
        {
            _closed = true;
            var orphans = _inFlight.ToArray();
            _inFlight.Clear();
            return orphans;
        }
    }
}
