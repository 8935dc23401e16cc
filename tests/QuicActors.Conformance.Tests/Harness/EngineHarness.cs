using System.Net;
using QuicActors.Transport;

namespace QuicActors.Conformance.Tests.Harness;

/// <summary>
/// One engine under test: how to make a listener and a client that can reach it, and how time passes. Each engine
/// contributes one subclass; every conformance test class takes the harness and runs the same tests against it,
/// skipping (with the reason printed) what the engine cannot do.
/// </summary>
public abstract class EngineHarness : IAsyncDisposable
{
    /// <summary>The engine's name, as in test names and skip reasons.</summary>
    public abstract string Name { get; }

    /// <summary>The engine used by servers.</summary>
    public abstract IQuicEngine ServerEngine { get; }

    /// <summary>The engine used by clients (may be the same instance as <see cref="ServerEngine"/>).</summary>
    public abstract IQuicEngine ClientEngine { get; }

    /// <summary>What the engine can do.</summary>
    public EngineCapabilities Capabilities => ServerEngine.Capabilities & ClientEngine.Capabilities;

    /// <summary>Why the engine cannot run here, or null when it can.</summary>
    public string? UnavailableReason => ServerEngine.UnavailableReason ?? ClientEngine.UnavailableReason;

    /// <summary>The ALPN used by conformance tests.</summary>
    public virtual string ApplicationProtocol => "quic-actors-test";

    /// <summary>Listener options for this engine (address, certificate) with the given limits.</summary>
    public abstract QuicListenerOptions CreateListenerOptions(QuicTransportParameters transport, EarlyDataPolicy earlyData = EarlyDataPolicy.Disabled, IReadOnlyList<string>? applicationProtocols = null);

    /// <summary>Client options that reach <paramref name="server"/> and trust its certificate.</summary>
    public abstract QuicClientOptions CreateClientOptions(EndPoint server, QuicTransportParameters transport, IReadOnlyList<string>? applicationProtocols = null);

    /// <summary>
    /// Lets <paramref name="duration"/> pass: advances a virtual clock, or waits in real time for engines on the wall
    /// clock. Tests of timeouts use it so they take no real time where the engine allows.
    /// </summary>
    public abstract Task AdvanceAsync(TimeSpan duration);

    /// <summary>Where the engine's stack departs from RFC 9000 in ways the engine cannot hide.</summary>
    public virtual EngineDeviations Deviations => EngineDeviations.None;

    /// <summary>How long a test waits for something that should happen promptly, in real time.</summary>
    public virtual TimeSpan EventTimeout => TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long, in real time, a test waits before asserting that something did not happen (an open still waiting,
    /// a write still blocked): long enough for frames in flight to land on this engine.
    /// </summary>
    public virtual TimeSpan QuietPeriod => TimeSpan.FromMilliseconds(300);

    /// <summary>Frees the engines.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        await ServerEngine.DisposeAsync().ConfigureAwait(false);
        if (!ReferenceEquals(ServerEngine, ClientEngine)) await ClientEngine.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
