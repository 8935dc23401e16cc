using System.Net;
using QuicActors.Conformance.Tests.Harness;
using QuicActors.Conformance.Tests.Interop.Peer;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using QuicActors.Transport.InMemory;
using QuicActors.Transport.MsQuic;
using QuicActors.Transport.Ngtcp2;

namespace QuicActors.Actors.Tests.Streams.Specs;

/// <summary>
/// The engine a lifecycle spec runs on: how to listen, how to reach a listener, and how time passes. The in-memory
/// engine runs on the TestKit's virtual clock; ngtcp2 runs over loopback UDP on the wall clock, with the certificate
/// and ALPN the quic-go peer also uses, so the same host can face quic-go in either role.
/// </summary>
internal abstract class SpecEngine : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    /// <summary>The engine's name, for messages.</summary>
    public abstract string Name { get; }

    /// <summary>The virtual clock the engine runs on, or null for the wall clock.</summary>
    public abstract VirtualTimeProvider? VirtualTime { get; }

    /// <summary>The engine servers listen with.</summary>
    public abstract IQuicEngine ServerEngine { get; }

    /// <summary>The engine clients connect with.</summary>
    public abstract IQuicEngine ClientEngine { get; }

    /// <summary>The ALPN both ends use.</summary>
    public abstract string ApplicationProtocol { get; }

    /// <summary>The in-memory engine on <paramref name="time"/>: a server and a client engine on a private network.</summary>
    public static SpecEngine InMemory(VirtualTimeProvider time) => new InMemorySpecEngine(time);

    /// <summary>The ngtcp2 engine over loopback UDP, real time. Fails in CI and skips locally when the native packages are missing.</summary>
    public static SpecEngine Ngtcp2()
    {
        var engine = new Ngtcp2Engine();
        if (engine.UnavailableReason is { } reason)
        {
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
            QuicGoPeer.Unavailable(Ngtcp2Engine.EngineName, $"the ngtcp2 engine is unavailable: {reason}");
        }

        return new Ngtcp2SpecEngine(engine);
    }

    /// <summary>
    /// The System.Net.Quic engine over loopback UDP, real time, with a self-signed certificate for localhost that its
    /// clients trust. Skips with the reason where libmsquic is missing, unless the run requires <c>msquic</c>
    /// (<see cref="Skip.RequiredCapabilitiesVariable"/>).
    /// </summary>
    public static SpecEngine MsQuic()
    {
        var engine = new MsQuicEngine();
        if (engine.UnavailableReason is { } reason)
        {
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Skip.UnlessAvailable(MsQuicEngine.EngineName, available: false, $"the msquic engine is unavailable: {reason}");
        }

        return new MsQuicSpecEngine(engine, QuicActors.Hosting.Internal.SelfSignedCertificate.Create());
    }

    /// <summary>Listener options with this engine's address, certificate and ALPN.</summary>
    public virtual QuicListenerOptions Listener(QuicTransportParameters transport, EarlyDataPolicy earlyData = EarlyDataPolicy.Disabled) => new()
    {
        ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        ApplicationProtocols = [ApplicationProtocol],
        Transport = transport,
        EarlyData = earlyData,
    };

    /// <summary>Client options that reach <paramref name="server"/> and trust its certificate.</summary>
    public virtual QuicClientOptions Client(EndPoint server, QuicTransportParameters? transport = null) => new()
    {
        RemoteEndPoint = server,
        ApplicationProtocols = [ApplicationProtocol],
        Transport = transport ?? new QuicTransportParameters(),
    };

    /// <summary>
    /// Where a resuming client should send its packets so that it can act in 0-RTT before the handshake completes: on
    /// real loopback the handshake is faster than the test, so a relay delays the server's packets.
    /// </summary>
    public virtual EndPoint EarlyDataPath(EndPoint server) => server;

    /// <summary>
    /// Client options that resume with the ticket of a first connection to <paramref name="server"/> and offer 0-RTT, sent
    /// along <see cref="EarlyDataPath"/>. <paramref name="accept"/> is the engine listener that first connection must be
    /// accepted from, if nothing else accepts it (a listener of actors does by itself).
    /// </summary>
    public async Task<QuicClientOptions> ResumingClientAsync(EndPoint server, IQuicEngineListener? accept = null)
    {
        var wait = TimeSpan.FromSeconds(10);
        var options = Client(server);
        QuicResumptionTicket? ticket = null;
        await using (var first = await ClientEngine.ConnectAsync(options).AsTask().WaitAsync(wait))
        {
            using var timeout = new CancellationTokenSource(wait);
            var accepted = accept is null ? null : await accept.AcceptConnectionAsync(timeout.Token);
            try
            {
                while (ticket is null && await first.Events.WaitToReadAsync(timeout.Token))
                {
                    while (first.Events.TryRead(out var engineEvent))
                    {
                        (engineEvent as IDisposable)?.Dispose();
                        ticket ??= (engineEvent as ResumptionTicketReceived)?.Ticket;
                    }
                }
            }
            finally
            {
                if (accepted is not null) await accepted.DisposeAsync();
            }
        }

        return options with { RemoteEndPoint = EarlyDataPath(server), ResumptionTicket = ticket, EnableEarlyData = true };
    }

    /// <summary>Lets <paramref name="duration"/> pass: advances the virtual clock, or waits in real time.</summary>
    public async Task ElapseAsync(TimeSpan duration)
    {
        if (VirtualTime is { } clock)
        {
            clock.Advance(duration);
            for (var i = 0; i < 3; i++) await Task.Yield();
        }
        else
        {
            await Task.Delay(duration);
        }
    }

    /// <summary>Disposes <paramref name="resource"/> with the engine.</summary>
    protected T Own<T>(T resource) where T : IAsyncDisposable
    {
        lock (_owned) _owned.Add(resource);
        return resource;
    }

    public virtual async ValueTask DisposeAsync()
    {
        IAsyncDisposable[] owned;
        lock (_owned) owned = [.. _owned];
        foreach (var o in owned) await o.DisposeAsync();
        await ServerEngine.DisposeAsync();
        if (!ReferenceEquals(ServerEngine, ClientEngine)) await ClientEngine.DisposeAsync();
    }

    public override string ToString() => Name;

    private sealed class InMemorySpecEngine : SpecEngine
    {
        private readonly InMemoryQuicEngine _server;
        private readonly InMemoryQuicEngine _client;

        public InMemorySpecEngine(VirtualTimeProvider time)
        {
            VirtualTime = time;
            var network = new InMemoryNetwork();
            _server = new InMemoryQuicEngine(new InMemoryEngineOptions { TimeProvider = time, Network = network, Seed = 1 });
            _client = new InMemoryQuicEngine(new InMemoryEngineOptions { TimeProvider = time, Network = network, Seed = 2 });
        }

        public override string Name => InMemoryQuicEngine.EngineName;

        public override VirtualTimeProvider? VirtualTime { get; }

        public override IQuicEngine ServerEngine => _server;

        public override IQuicEngine ClientEngine => _client;

        public override string ApplicationProtocol => "spec";
    }

    private sealed class MsQuicSpecEngine(MsQuicEngine engine, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) : SpecEngine
    {
        public override string Name => MsQuicEngine.EngineName;

        public override VirtualTimeProvider? VirtualTime => null;

        public override IQuicEngine ServerEngine => engine;

        public override IQuicEngine ClientEngine => engine;

        public override string ApplicationProtocol => "spec";

        public override QuicListenerOptions Listener(QuicTransportParameters transport, EarlyDataPolicy earlyData = EarlyDataPolicy.Disabled) =>
            base.Listener(transport, earlyData) with { ServerCertificate = certificate };

        public override QuicClientOptions Client(EndPoint server, QuicTransportParameters? transport = null) =>
            base.Client(server, transport) with { ServerName = QuicActors.Hosting.Internal.SelfSignedCertificate.SubjectName, TrustedCertificates = [certificate] };

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            certificate.Dispose();
        }
    }

    private sealed class Ngtcp2SpecEngine(Ngtcp2Engine engine) : SpecEngine
    {
        public override string Name => Ngtcp2Engine.EngineName;

        public override VirtualTimeProvider? VirtualTime => null;

        public override IQuicEngine ServerEngine => engine;

        public override IQuicEngine ClientEngine => engine;

        public override string ApplicationProtocol => QuicGoPeer.ApplicationProtocol;

        public override QuicListenerOptions Listener(QuicTransportParameters transport, EarlyDataPolicy earlyData = EarlyDataPolicy.Disabled) =>
            base.Listener(transport, earlyData) with { ServerCertificate = QuicGoPeer.Certificate.Certificate };

        public override QuicClientOptions Client(EndPoint server, QuicTransportParameters? transport = null) =>
            base.Client(server, transport) with { ServerName = "localhost", TrustedCertificates = [QuicGoPeer.Certificate.Certificate] };

        public override EndPoint EarlyDataPath(EndPoint server) => Own(new DelayingUdpRelay(server, TimeSpan.FromMilliseconds(200))).EndPoint;
    }
}
