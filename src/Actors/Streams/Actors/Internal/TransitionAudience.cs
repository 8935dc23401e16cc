using Serilog.Events;

namespace QuicActors.Streams.Internal;

/// <summary>
/// Whether anything outside a stream wants its transitions: the connection's subscribers and observers, the settings'
/// callback, datagram flows, the transition counter or the debug log. Stream actors ask before telling their connection
/// a transition, so that publication costs no message and no allocation while nobody listens. The stream's own handle
/// (state, observers, abort token) is always served.
/// </summary>
/// <remarks>Read on stream actors' threads, written on the connection actor's; each answer is one volatile read plus the instruments' own flags.</remarks>
internal sealed class TransitionAudience(ConnectionActorSettings settings, Serilog.ILogger log)
{
    private readonly bool _always = settings.OnTransition is not null || settings.DatagramFlows;
    private volatile int _listeners;

    /// <summary>Whether the connection should see the next transition.</summary>
    public bool IsListening =>
        _always || _listeners > 0 || settings.Metrics.Transitions.Enabled || log.IsEnabled(LogEventLevel.Debug);

    /// <summary>The connection's actor subscribers and observers, counted together.</summary>
    public void SetListeners(int count) => _listeners = count;
}
