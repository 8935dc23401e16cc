using System.Net;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using QuicActors.Transport.InMemory;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// A client and a server connection actor over the in-memory engine, both on the TestKit's virtual clock.
/// </summary>
internal sealed class StreamSpecHost : IAsyncDisposable
{
    private readonly InMemoryQuicEngine _serverEngine;
    private readonly InMemoryQuicEngine _clientEngine;
    private IQuicEngineListener? _listener;
    private IQuicEngineConnection? _server;
    private IQuicEngineConnection? _client;

    private StreamSpecHost(VirtualTimeProvider time)
    {
        var network = new InMemoryNetwork();
        _serverEngine = new InMemoryQuicEngine(new InMemoryEngineOptions { TimeProvider = time, Network = network, Seed = 1 });
        _clientEngine = new InMemoryQuicEngine(new InMemoryEngineOptions { TimeProvider = time, Network = network, Seed = 2 });
    }

    public IActorRef ServerActor { get; private set; } = ActorRefs.Nobody;

    public IActorRef ClientActor { get; private set; } = ActorRefs.Nobody;

    public static async Task<StreamSpecHost> StartAsync(
        ActorSystem system,
        VirtualTimeProvider time,
        int inboundBidirectionalLimit,
        LingerPolicy serverLinger,
        Func<StreamHandle, CancellationToken, Task> handler,
        TimeSpan? leakDeadline = null)
    {
        var host = new StreamSpecHost(time);
        var transport = new QuicTransportParameters { MaxInboundBidirectionalStreams = inboundBidirectionalLimit };
        host._listener = await host._serverEngine.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = ["spec"],
            Transport = transport,
        });
        var connecting = host._clientEngine.ConnectAsync(new QuicClientOptions
        {
            RemoteEndPoint = host._listener.LocalEndPoint,
            ApplicationProtocols = ["spec"],
            Transport = new QuicTransportParameters(),
        }).AsTask();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        host._server = await host._listener.AcceptConnectionAsync(timeout.Token);
        host._client = await connecting.WaitAsync(TimeSpan.FromSeconds(10));
        host.ServerActor = system.ActorOf(ConnectionActor.Props(host._server, new ConnectionActorSettings
        {
            ConnectionId = 1,
            InboundBidirectionalLimit = inboundBidirectionalLimit,
            Linger = serverLinger,
            StreamHandler = handler,
            LeakDeadline = leakDeadline ?? new ConnectionActorSettings().LeakDeadline,
        }), "server");
        host.ClientActor = system.ActorOf(ConnectionActor.Props(host._client, new ConnectionActorSettings { ConnectionId = 2 }), "client");
        return host;
    }

    /// <summary>
    /// A server with <paramref name="earlyData"/> and a client that resumes with a ticket from a first connection and
    /// starts in 0-RTT. The server connection actor starts in <see cref="AcceptServerAsync"/>.
    /// </summary>
    public static async Task<StreamSpecHost> StartResumedAsync(ActorSystem system, VirtualTimeProvider time, EarlyDataPolicy earlyData)
    {
        var host = new StreamSpecHost(time);
        host._listener = await host._serverEngine.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = ["spec"],
            Transport = new QuicTransportParameters(),
            EarlyData = earlyData,
        });
        var options = new QuicClientOptions { RemoteEndPoint = host._listener.LocalEndPoint, ApplicationProtocols = ["spec"] };
        QuicResumptionTicket? ticket = null;
        await using (var first = await host._clientEngine.ConnectAsync(options).AsTask().WaitAsync(TimeSpan.FromSeconds(10)))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await using var accepted = await host._listener.AcceptConnectionAsync(timeout.Token);
            while (ticket is null && await first.Events.WaitToReadAsync(timeout.Token))
            {
                while (first.Events.TryRead(out var engineEvent))
                {
                    (engineEvent as IDisposable)?.Dispose();
                    ticket ??= (engineEvent as ResumptionTicketReceived)?.Ticket;
                }
            }
        }

        host._client = await host._clientEngine.ConnectAsync(options with { ResumptionTicket = ticket, EnableEarlyData = true }).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        host.ClientActor = system.ActorOf(ConnectionActor.Props(host._client, new ConnectionActorSettings { ConnectionId = 2, InitialOutboundBidirectionalCredit = 100 }), "client");
        return host;
    }

    /// <summary>Accepts the resumed connection on the server and starts its connection actor with <paramref name="handler"/>.</summary>
    public async Task AcceptServerAsync(ActorSystem system, Func<StreamHandle, CancellationToken, Task> handler)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        _server = await _listener!.AcceptConnectionAsync(timeout.Token);
        ServerActor = system.ActorOf(ConnectionActor.Props(_server, new ConnectionActorSettings { ConnectionId = 1, StreamHandler = handler }), "server");
    }

    /// <summary>Closes the client's connection (application code 0).</summary>
    public ValueTask CloseClientAsync() => _client!.CloseAsync(0, "spec");

    public async ValueTask DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        if (_listener is not null) await _listener.DisposeAsync();
        await _clientEngine.DisposeAsync();
        await _serverEngine.DisposeAsync();
    }
}
