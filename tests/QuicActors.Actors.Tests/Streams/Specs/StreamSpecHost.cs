using System.Net;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// Connection actors over a <see cref="SpecEngine"/>: a client and a server of ours (<see cref="StartAsync(ActorSystem, SpecEngine, int, LingerPolicy, Func{StreamHandle, CancellationToken, Task}, TimeSpan?)"/>),
/// only a server for a foreign client such as the quic-go peer (<see cref="ListenAsync"/> then
/// <see cref="AcceptServerAsync()"/>), or only a client of a foreign server (<see cref="ConnectAsync"/>,
/// <see cref="ConnectResumedAsync"/>). The overloads taking a <see cref="VirtualTimeProvider"/> run on the in-memory
/// engine, as the specs always did. The host owns its engine and disposes it.
/// </summary>
/// <remarks>
/// To run a spec on several engines, make it abstract with a <c>private protected abstract SpecEngine CreateEngine()</c>,
/// pass <c>CreateEngine()</c> instead of the virtual clock, and add one sealed subclass per engine (see S1/S4/S5): the
/// in-memory one passes <c>useVirtualTime: true</c> and returns <c>SpecEngine.InMemory(VirtualTime!)</c>, the ngtcp2 one
/// passes <c>false</c> and returns <c>SpecEngine.Ngtcp2()</c>. Where a spec advances virtual time, use
/// <see cref="SpecEngine.ElapseAsync"/> (or skip the advance when <c>VirtualTime</c> is null and let real time pass).
/// </remarks>
internal sealed class StreamSpecHost : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly SpecEngine _engine;
    private IQuicEngineListener? _listener;
    private IQuicEngineConnection? _server;
    private IQuicEngineConnection? _client;
    private ConnectionActorSettings _serverSettings = new() { ConnectionId = 1 };
    private ActorSystem? _system;

    private StreamSpecHost(SpecEngine engine) => _engine = engine;

    /// <summary>The engine the host runs on.</summary>
    public SpecEngine Engine => _engine;

    public IActorRef ServerActor { get; private set; } = ActorRefs.Nobody;

    public IActorRef ClientActor { get; private set; } = ActorRefs.Nobody;

    /// <summary>Where the server listens (for a foreign client).</summary>
    public EndPoint ListenEndPoint => _listener?.LocalEndPoint ?? throw new InvalidOperationException("This host has no listener.");

    /// <summary>The client's engine connection under <see cref="ClientActor"/>, for a test that acts past the actors (as a peer would).</summary>
    public IQuicEngineConnection ClientConnection => _client ?? throw new InvalidOperationException("This host has no client connection.");

    /// <summary>Both ends ours, on the in-memory engine on <paramref name="time"/>.</summary>
    public static Task<StreamSpecHost> StartAsync(ActorSystem system, VirtualTimeProvider time, int inboundBidirectionalLimit, LingerPolicy serverLinger,
        Func<StreamHandle, CancellationToken, Task> handler, TimeSpan? leakDeadline = null) =>
        StartAsync(system, SpecEngine.InMemory(time), inboundBidirectionalLimit, serverLinger, handler, leakDeadline);

    /// <summary>
    /// Both ends ours on <paramref name="engine"/>: a server actor with the given limit, linger policy and handler, and a
    /// client actor. <paramref name="maxDatagramFrameSize"/> above 0 enables datagrams (RFC 9221) on both ends.
    /// </summary>
    public static async Task<StreamSpecHost> StartAsync(ActorSystem system, SpecEngine engine, int inboundBidirectionalLimit, LingerPolicy serverLinger,
        Func<StreamHandle, CancellationToken, Task> handler, TimeSpan? leakDeadline = null, int maxDatagramFrameSize = 0)
    {
        var host = await ListenAsync(system, engine, inboundBidirectionalLimit, serverLinger, handler, leakDeadline, maxDatagramFrameSize: maxDatagramFrameSize);
        try
        {
            var connecting = engine.ClientEngine.ConnectAsync(engine.Client(host.ListenEndPoint, new QuicTransportParameters { MaxDatagramFrameSize = maxDatagramFrameSize })).AsTask();
            await host.AcceptServerAsync();
            host._client = await connecting.WaitAsync(Wait);
            host.ClientActor = system.ActorOf(ConnectionActor.Props(host._client, new ConnectionActorSettings { ConnectionId = 2 }), "client");
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Both ends ours on <paramref name="engine"/>, each end's connection actor settings given whole (the host sets the
    /// connection ids; the server's <see cref="ConnectionActorSettings.InboundBidirectionalLimit"/> is also what it
    /// advertises). <paramref name="maxDatagramFrameSize"/> above 0 enables datagrams (RFC 9221) on both ends.
    /// </summary>
    public static async Task<StreamSpecHost> StartAsync(ActorSystem system, SpecEngine engine, ConnectionActorSettings server, ConnectionActorSettings client,
        int maxDatagramFrameSize = 0)
    {
        var host = await ListenAsync(system, engine, server, maxDatagramFrameSize);
        try
        {
            var connecting = engine.ClientEngine.ConnectAsync(engine.Client(host.ListenEndPoint, new QuicTransportParameters { MaxDatagramFrameSize = maxDatagramFrameSize })).AsTask();
            await host.AcceptServerAsync();
            host._client = await connecting.WaitAsync(Wait);
            host.ClientActor = system.ActorOf(ConnectionActor.Props(host._client, client with { ConnectionId = 2 }), "client");
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A listener on <paramref name="engine"/> whose next connection gets a server actor with <paramref name="server"/>
    /// (connection id 1) in <see cref="AcceptServerAsync()"/>; datagrams on when <paramref name="maxDatagramFrameSize"/> is above 0.
    /// </summary>
    public static async Task<StreamSpecHost> ListenAsync(ActorSystem system, SpecEngine engine, ConnectionActorSettings server, int maxDatagramFrameSize = 0)
    {
        var host = new StreamSpecHost(engine) { _system = system, _serverSettings = server with { ConnectionId = 1 } };
        try
        {
            host._listener = await engine.ServerEngine.ListenAsync(engine.Listener(new QuicTransportParameters
            {
                MaxInboundBidirectionalStreams = checked((int)server.InboundBidirectionalLimit),
                MaxDatagramFrameSize = maxDatagramFrameSize,
            }));
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>A listener on <paramref name="engine"/> whose next connection gets a server actor in <see cref="AcceptServerAsync()"/>.</summary>
    public static async Task<StreamSpecHost> ListenAsync(ActorSystem system, SpecEngine engine, int inboundBidirectionalLimit, LingerPolicy serverLinger,
        Func<StreamHandle, CancellationToken, Task> handler, TimeSpan? leakDeadline = null, EarlyDataPolicy earlyData = EarlyDataPolicy.Disabled, int maxDatagramFrameSize = 0)
    {
        var host = new StreamSpecHost(engine) { _system = system };
        host._serverSettings = new ConnectionActorSettings
        {
            ConnectionId = 1,
            InboundBidirectionalLimit = inboundBidirectionalLimit,
            Linger = serverLinger,
            StreamHandler = handler,
            LeakDeadline = leakDeadline ?? new ConnectionActorSettings().LeakDeadline,
        };
        try
        {
            host._listener = await engine.ServerEngine.ListenAsync(engine.Listener(new QuicTransportParameters { MaxInboundBidirectionalStreams = inboundBidirectionalLimit, MaxDatagramFrameSize = maxDatagramFrameSize }, earlyData));
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Accepts the next connection and starts the server actor with the settings given to <see cref="ListenAsync"/>.</summary>
    public async Task AcceptServerAsync()
    {
        using var timeout = new CancellationTokenSource(Wait);
        _server = await _listener!.AcceptConnectionAsync(timeout.Token);
        ServerActor = _system!.ActorOf(ConnectionActor.Props(_server, _serverSettings), "server");
    }

    /// <summary>Accepts the resumed connection on the server and starts its connection actor with <paramref name="handler"/>.</summary>
    public Task AcceptServerAsync(ActorSystem system, Func<StreamHandle, CancellationToken, Task> handler)
    {
        _system = system;
        _serverSettings = new ConnectionActorSettings { ConnectionId = 1, StreamHandler = handler };
        return AcceptServerAsync();
    }

    /// <summary>Only a client actor, connected on <paramref name="engine"/> to a foreign server at <paramref name="server"/>.</summary>
    public static async Task<StreamSpecHost> ConnectAsync(ActorSystem system, SpecEngine engine, EndPoint server)
    {
        var host = new StreamSpecHost(engine) { _system = system };
        try
        {
            host._client = await engine.ClientEngine.ConnectAsync(engine.Client(server)).AsTask().WaitAsync(Wait);
            host.ClientActor = system.ActorOf(ConnectionActor.Props(host._client, new ConnectionActorSettings { ConnectionId = 2 }), "client");
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Only a client actor with <paramref name="client"/> (connection id 2), connected on <paramref name="engine"/> to a
    /// foreign server at <paramref name="server"/>; datagrams on when <paramref name="maxDatagramFrameSize"/> is above 0.
    /// </summary>
    public static async Task<StreamSpecHost> ConnectAsync(ActorSystem system, SpecEngine engine, EndPoint server, ConnectionActorSettings client, int maxDatagramFrameSize = 0)
    {
        var host = new StreamSpecHost(engine) { _system = system };
        try
        {
            host._client = await engine.ClientEngine.ConnectAsync(engine.Client(server, new QuicTransportParameters { MaxDatagramFrameSize = maxDatagramFrameSize })).AsTask().WaitAsync(Wait);
            host.ClientActor = system.ActorOf(ConnectionActor.Props(host._client, client with { ConnectionId = 2 }), "client");
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A server of ours with <paramref name="earlyData"/> and a client that resumes with a ticket from a first connection
    /// and starts in 0-RTT. The server connection actor starts in <see cref="AcceptServerAsync(ActorSystem, Func{StreamHandle, CancellationToken, Task})"/>.
    /// </summary>
    public static Task<StreamSpecHost> StartResumedAsync(ActorSystem system, VirtualTimeProvider time, EarlyDataPolicy earlyData) =>
        StartResumedAsync(system, SpecEngine.InMemory(time), earlyData);

    /// <inheritdoc cref="StartResumedAsync(ActorSystem, VirtualTimeProvider, EarlyDataPolicy)"/>
    public static async Task<StreamSpecHost> StartResumedAsync(ActorSystem system, SpecEngine engine, EarlyDataPolicy earlyData)
    {
        var host = new StreamSpecHost(engine) { _system = system };
        try
        {
            host._listener = await engine.ServerEngine.ListenAsync(engine.Listener(new QuicTransportParameters(), earlyData));
            await host.ResumeClientAsync(system, host._listener.LocalEndPoint);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Only a client actor that resumes, in 0-RTT, with a ticket from a first connection to the foreign server <paramref name="server"/>.</summary>
    public static async Task<StreamSpecHost> ConnectResumedAsync(ActorSystem system, SpecEngine engine, EndPoint server)
    {
        var host = new StreamSpecHost(engine) { _system = system };
        try
        {
            await host.ResumeClientAsync(system, server);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private async Task ResumeClientAsync(ActorSystem system, EndPoint server)
    {
        var resumed = await _engine.ResumingClientAsync(server, _listener);
        _client = await _engine.ClientEngine.ConnectAsync(resumed).AsTask().WaitAsync(Wait);
        ClientActor = system.ActorOf(ConnectionActor.Props(_client, new ConnectionActorSettings { ConnectionId = 2, InitialOutboundBidirectionalCredit = 100 }), "client");
    }

    /// <summary>Closes the client's connection (application code 0).</summary>
    public ValueTask CloseClientAsync() => _client!.CloseAsync(0, "spec");

    /// <summary>Closes the server's connection (application code 0), for a foreign client that waits for it.</summary>
    public ValueTask CloseServerAsync() => _server!.CloseAsync(0, "spec");

    public async ValueTask DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        if (_listener is not null) await _listener.DisposeAsync();
        await _engine.DisposeAsync();
    }
}
