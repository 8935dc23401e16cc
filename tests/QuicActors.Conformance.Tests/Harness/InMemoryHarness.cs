using System.Net;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.InMemory;

namespace QuicActors.Conformance.Tests.Harness;

/// <summary>
/// The in-memory engine on a virtual clock: a server engine and a client engine on a private network, so the
/// cross-engine path is exercised and tests never share ports. <see cref="AdvanceAsync"/> moves the clock.
/// </summary>
public sealed class InMemoryHarness : EngineHarness
{
    private readonly VirtualTimeProvider _time = new();
    private readonly InMemoryQuicEngine _server;
    private readonly InMemoryQuicEngine _client;

    public InMemoryHarness()
    {
        var network = new InMemoryNetwork();
        _server = new InMemoryQuicEngine(new InMemoryEngineOptions { TimeProvider = _time, Network = network, Seed = 1 });
        _client = new InMemoryQuicEngine(new InMemoryEngineOptions { TimeProvider = _time, Network = network, Seed = 2 });
    }

    public override string Name => InMemoryQuicEngine.EngineName;

    public override IQuicEngine ServerEngine => _server;

    public override IQuicEngine ClientEngine => _client;

    /// <summary>The engine delivers frames before a command returns, so a short real pause lets continuations run.</summary>
    public override TimeSpan QuietPeriod => TimeSpan.FromMilliseconds(30);

    public override QuicListenerOptions CreateListenerOptions(QuicTransportParameters transport, EarlyDataPolicy earlyData = EarlyDataPolicy.Disabled, IReadOnlyList<string>? applicationProtocols = null) => new()
    {
        ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        ApplicationProtocols = applicationProtocols ?? [ApplicationProtocol],
        Transport = transport,
        EarlyData = earlyData,
    };

    public override QuicClientOptions CreateClientOptions(EndPoint server, QuicTransportParameters transport, IReadOnlyList<string>? applicationProtocols = null) => new()
    {
        RemoteEndPoint = server,
        ApplicationProtocols = applicationProtocols ?? [ApplicationProtocol],
        Transport = transport,
    };

    public override async Task AdvanceAsync(TimeSpan duration)
    {
        _time.Advance(duration);
        // Timer callbacks ran synchronously; let the continuations they released run before the test looks.
        for (var i = 0; i < 3; i++) await Task.Yield();
    }
}
