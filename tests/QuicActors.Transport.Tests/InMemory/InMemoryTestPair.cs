using System.Net;
using QuicActors.TestKit;
using QuicActors.Transport.Events;
using QuicActors.Transport.InMemory;
using QuicActors.Transport.InMemory.Internal;

namespace QuicActors.Transport.Tests.InMemory;

/// <summary>
/// An in-memory client and server on a private network and a virtual clock, read synchronously: the engine delivers
/// frames before a command returns, so after each step <see cref="Drain"/> sees everything that happened.
/// </summary>
internal sealed class InMemoryTestPair : IAsyncDisposable
{
    private readonly Dictionary<QuicStreamId, MemoryStream> _serverBytes = [];
    private readonly Dictionary<QuicStreamId, MemoryStream> _clientBytes = [];

    private InMemoryTestPair(VirtualTimeProvider time, InMemoryQuicEngine engine, IQuicEngineListener listener, IQuicEngineConnection client, IQuicEngineConnection server)
    {
        Time = time;
        Engine = engine;
        Listener = listener;
        Client = client;
        Server = server;
    }

    public VirtualTimeProvider Time { get; }

    public InMemoryQuicEngine Engine { get; }

    public IQuicEngineListener Listener { get; }

    public IQuicEngineConnection Client { get; }

    public IQuicEngineConnection Server { get; }

    internal InMemoryConnection ServerInternals => (InMemoryConnection)Server;

    /// <summary>Every event drained so far, "client: ..." or "server: ...", stamped with the virtual time.</summary>
    public List<string> Trace { get; } = [];

    public static async Task<InMemoryTestPair> CreateAsync(int seed = 0, FaultPlan? plan = null, QuicTransportParameters? server = null, QuicTransportParameters? client = null,
        EarlyDataPolicy earlyData = EarlyDataPolicy.Disabled)
    {
        var time = new VirtualTimeProvider();
        var engine = new InMemoryQuicEngine(new InMemoryEngineOptions { TimeProvider = time, Network = new InMemoryNetwork(), Seed = seed, FaultPlan = plan });
        var listener = await engine.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = ["test"],
            Transport = server ?? new QuicTransportParameters(),
            EarlyData = earlyData,
        });
        var connecting = engine.ConnectAsync(new QuicClientOptions
        {
            RemoteEndPoint = listener.LocalEndPoint,
            ApplicationProtocols = ["test"],
            Transport = client ?? new QuicTransportParameters(),
        }).AsTask();
        // Delayed handshake frames need the clock to move; a second of virtual time covers any plan used here. The
        // loop must stop at the virtual instant the handshake completes, whatever the thread pool does: ConnectAsync
        // resumes on another thread some real time later, so polling its task would let the clock overshoot by a
        // load-dependent number of steps and shift every later timestamp and frame delay. The handshake task itself
        // completes synchronously inside Advance, under the wire's lock.
        var handshake = engine.TrackedConnections.Single(c => c.Role == QuicConnectionRole.Client).HandshakeTask;
        for (var i = 0; i < 1000 && !handshake.IsCompleted; i++) time.Advance(TimeSpan.FromMilliseconds(1));
        var clientConnection = await connecting.WaitAsync(TimeSpan.FromSeconds(10));
        var serverConnection = await listener.AcceptConnectionAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return new InMemoryTestPair(time, engine, listener, clientConnection, serverConnection);
    }

    /// <summary>Reads every queued event of both ends into <see cref="Trace"/>, keeping stream bytes; returns the new ones.</summary>
    public List<EngineEvent> Drain()
    {
        var drained = new List<EngineEvent>();
        DrainOne(Client, "client", _clientBytes, drained);
        DrainOne(Server, "server", _serverBytes, drained);
        return drained;
    }

    private void DrainOne(IQuicEngineConnection connection, string name, Dictionary<QuicStreamId, MemoryStream> bytes, List<EngineEvent> drained)
    {
        while (connection.Events.TryRead(out var e))
        {
            Trace.Add($"{Time.Elapsed.TotalMilliseconds:0.###} ms {name}: {e}");
            if (e is StreamDataReceived data)
            {
                if (!bytes.TryGetValue(data.StreamId, out var stream)) bytes[data.StreamId] = stream = new MemoryStream();
                Assert.Equal(stream.Length, data.Offset); // in order, whatever the wire did
                stream.Write(data.Data.Span);
                data.Dispose();
            }
            if (e is DatagramReceived datagram) datagram.Dispose();
            drained.Add(e);
        }
    }

    public byte[] ServerBytes(QuicStreamId id) => _serverBytes.TryGetValue(id, out var s) ? s.ToArray() : [];

    public byte[] ClientBytes(QuicStreamId id) => _clientBytes.TryGetValue(id, out var s) ? s.ToArray() : [];

    /// <summary>Moves the clock in steps of <paramref name="step"/>, draining after each.</summary>
    public void Run(TimeSpan total, TimeSpan step)
    {
        for (var t = TimeSpan.Zero; t < total; t += step)
        {
            Time.Advance(step);
            Drain();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
        await Listener.DisposeAsync();
        await Engine.DisposeAsync();
        Drain();
    }
}
