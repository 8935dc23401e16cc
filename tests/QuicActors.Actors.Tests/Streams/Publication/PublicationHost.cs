using System.Net;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.InMemory;

namespace QuicActors.Actors.Tests.Streams.Publication;

/// <summary>
/// A client and a server connection actor over the in-memory engine on the TestKit's virtual clock, with datagrams
/// negotiated (RFC 9221) and each side's <see cref="ConnectionActorSettings"/> open to the test (subscribers, metrics,
/// logger, datagram flows). The raw client engine connection is exposed so a test can act as a peer that breaks the
/// rules (or whose datagrams were in flight).
/// </summary>
internal sealed class PublicationHost : IAsyncDisposable
{
    public const int MaxDatagramFrameSize = 1200;
    private readonly InMemoryQuicEngine _serverEngine;
    private readonly InMemoryQuicEngine _clientEngine;
    private IQuicEngineListener? _listener;
    private IQuicEngineConnection? _server;

    private PublicationHost(VirtualTimeProvider time)
    {
        var network = new InMemoryNetwork();
        _serverEngine = new InMemoryQuicEngine(new InMemoryEngineOptions { TimeProvider = time, Network = network, Seed = 11 });
        _clientEngine = new InMemoryQuicEngine(new InMemoryEngineOptions { TimeProvider = time, Network = network, Seed = 12 });
    }

    public IActorRef ServerActor { get; private set; } = ActorRefs.Nobody;

    public IActorRef ClientActor { get; private set; } = ActorRefs.Nobody;

    /// <summary>The client's engine connection, under the client connection actor.</summary>
    public IQuicEngineConnection ClientConnection { get; private set; } = null!;

    public static async Task<PublicationHost> StartAsync(
        ActorSystem system,
        VirtualTimeProvider time,
        ConnectionActorSettings server,
        ConnectionActorSettings client,
        int inboundBidirectionalLimit = 100)
    {
        var host = new PublicationHost(time);
        var transport = new QuicTransportParameters
        {
            MaxInboundBidirectionalStreams = inboundBidirectionalLimit,
            MaxDatagramFrameSize = MaxDatagramFrameSize,
            DatagramReceiveQueueCapacity = 1024,
        };
        host._listener = await host._serverEngine.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = ["pub"],
            Transport = transport,
        });
        var connecting = host._clientEngine.ConnectAsync(new QuicClientOptions
        {
            RemoteEndPoint = host._listener.LocalEndPoint,
            ApplicationProtocols = ["pub"],
            Transport = new QuicTransportParameters { MaxDatagramFrameSize = MaxDatagramFrameSize, DatagramReceiveQueueCapacity = 1024 },
        }).AsTask();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        host._server = await host._listener.AcceptConnectionAsync(timeout.Token);
        host.ClientConnection = await connecting.WaitAsync(TimeSpan.FromSeconds(10));
        host.ServerActor = system.ActorOf(ConnectionActor.Props(host._server, server with
        {
            ConnectionId = 1,
            InboundBidirectionalLimit = inboundBidirectionalLimit,
        }), "server");
        host.ClientActor = system.ActorOf(ConnectionActor.Props(host.ClientConnection, client with { ConnectionId = 2 }), "client");
        return host;
    }

    /// <summary>
    /// A server that rejects 0-RTT and a client that resumes with a ticket from a first connection and starts in 0-RTT
    /// (generation 1) with <paramref name="client"/>. The server connection actor starts in <see cref="AcceptServerAsync"/>.
    /// </summary>
    public static async Task<PublicationHost> StartRejectedEarlyDataAsync(ActorSystem system, VirtualTimeProvider time, ConnectionActorSettings client)
    {
        var host = new PublicationHost(time);
        var transport = new QuicTransportParameters { MaxDatagramFrameSize = MaxDatagramFrameSize };
        host._listener = await host._serverEngine.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = ["pub"],
            Transport = transport,
            EarlyData = EarlyDataPolicy.Reject,
        });
        var options = new QuicClientOptions { RemoteEndPoint = host._listener.LocalEndPoint, ApplicationProtocols = ["pub"], Transport = transport };
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
                    ticket ??= (engineEvent as Transport.Events.ResumptionTicketReceived)?.Ticket;
                }
            }
        }

        host.ClientConnection = await host._clientEngine.ConnectAsync(options with { ResumptionTicket = ticket, EnableEarlyData = true }).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        host.ClientActor = system.ActorOf(ConnectionActor.Props(host.ClientConnection, client with { ConnectionId = 2, InitialOutboundBidirectionalCredit = 100 }), "client");
        return host;
    }

    /// <summary>Accepts the resumed connection and starts the server connection actor with <paramref name="server"/>.</summary>
    public async Task AcceptServerAsync(ActorSystem system, ConnectionActorSettings server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        _server = await _listener!.AcceptConnectionAsync(timeout.Token);
        ServerActor = system.ActorOf(ConnectionActor.Props(_server, server with { ConnectionId = 1 }), "server");
    }

    public Task<StreamHandle> OpenAsync() =>
        ConnectionActor.OpenStreamAsync(ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Polls a connection actor's datagram status until <paramref name="condition"/> holds (10 s of real time).</summary>
    public static async Task<DatagramFlowStatus> AwaitDatagramsAsync(IActorRef actor, Func<DatagramFlowStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        DatagramFlowStatus status;
        do
        {
            status = await ConnectionActor.GetDatagramStatusAsync(actor).WaitAsync(TimeSpan.FromSeconds(10));
            if (condition(status))
            {
                return status;
            }

            await Task.Delay(5);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"The datagram flows never settled: {status}");
        return status;
    }

    /// <summary>Polls a connection actor's status until <paramref name="condition"/> holds (10 s of real time).</summary>
    public static async Task<ConnectionStatus> AwaitStatusAsync(IActorRef actor, Func<ConnectionStatus, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        ConnectionStatus status;
        do
        {
            status = await ConnectionActor.GetStatusAsync(actor).WaitAsync(TimeSpan.FromSeconds(10));
            if (condition(status))
            {
                return status;
            }

            await Task.Delay(5);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"The connection never settled: {status}");
        return status;
    }

    public async ValueTask DisposeAsync()
    {
        await ClientConnection.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        if (_listener is not null) await _listener.DisposeAsync();
        await _clientEngine.DisposeAsync();
        await _serverEngine.DisposeAsync();
    }
}
