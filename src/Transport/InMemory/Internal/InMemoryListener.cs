using System.Net;
using System.Threading.Channels;

namespace QuicActors.Transport.InMemory.Internal;

/// <summary>
/// A listener bound on an <see cref="InMemoryNetwork"/>. It answers ClientHellos under the connecting wire's lock:
/// picks the ALPN (server preference), decides on 0-RTT, creates the server endpoint and queues it for accept.
/// </summary>
internal sealed class InMemoryListener : IQuicEngineListener
{
    private static long s_nextId;
    private readonly InMemoryQuicEngine _engine;
    private readonly InMemoryNetwork _network;
    private readonly QuicListenerOptions _options;
    private readonly Channel<InMemoryConnection> _accepted = Channel.CreateUnbounded<InMemoryConnection>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly IPEndPoint _endPoint;
    private int _waiting;
    private volatile bool _disposed;

    public InMemoryListener(InMemoryQuicEngine engine, InMemoryNetwork network, QuicListenerOptions options, IPEndPoint requested)
    {
        _engine = engine;
        _network = network;
        _options = options;
        _endPoint = network.Bind(requested, this);
    }

    /// <summary>Identifies the listener in the tickets it issues: a ticket from another listener allows no 0-RTT here.</summary>
    public long Id { get; } = Interlocked.Increment(ref s_nextId);

    public EndPoint LocalEndPoint => _endPoint;

    public async ValueTask<IQuicEngineConnection> AcceptConnectionAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            var connection = await _accepted.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Decrement(ref _waiting);
            return connection;
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(ToString(), "The listener was disposed while waiting for a connection.");
        }
    }

    /// <summary>Answers a ClientHello. Caller holds the wire's lock.</summary>
    internal void OnClientHello(InMemoryWire wire, ClientHello hello, Frame frame)
    {
        _ = frame;
        if (_disposed || Volatile.Read(ref _waiting) >= _options.AcceptBacklog)
        {
            var why = _disposed ? "the listener was disposed" : $"its accept backlog of {_options.AcceptBacklog} is full";
            wire.Send(new Frame { Kind = FrameKind.HandshakeFailure, ToServer = false, Code = 1, Payload = $"The server at {_endPoint} refused the connection: {why}." });
            return;
        }
        string? protocol = null;
        foreach (var candidate in _options.ApplicationProtocols)
        {
            if (hello.ApplicationProtocols.Contains(candidate, StringComparer.Ordinal))
            {
                protocol = candidate;
                break;
            }
        }
        if (protocol is null)
        {
            wire.Send(new Frame
            {
                Kind = FrameKind.HandshakeFailure,
                ToServer = false,
                Payload = $"No common application protocol (ALPN, RFC 7301): the client offered [{string.Join(", ", hello.ApplicationProtocols)}], the server at {_endPoint} accepts [{string.Join(", ", _options.ApplicationProtocols)}].",
            });
            return;
        }

        var earlyDataAccepted = false;
        if (hello.EarlyData)
        {
            var rejectedByTest = wire.TakeEarlyDataRejection();
            earlyDataAccepted = hello.Ticket is { AllowsEarlyData: true } ticket && ticket.ListenerId == Id
                && _options.EarlyData == EarlyDataPolicy.Accept && !rejectedByTest;
        }
        var issued = new QuicResumptionTicket(
            InMemoryQuicEngine.EngineName,
            hello.ServerName,
            protocol,
            new ResumptionTicketData(Id, _options.EarlyData != EarlyDataPolicy.Disabled, _options.Transport).Encode(),
            wire.Time.GetUtcNow().AddDays(7));

        var connection = new InMemoryConnection(_engine, wire, QuicConnectionRole.Server, _options.Transport, _endPoint, wire.Client.LocalEndPoint);
        wire.Server = connection;
        _engine.Track(connection);
        connection.AcceptHandshake(hello, protocol, earlyDataAccepted, issued);
        Interlocked.Increment(ref _waiting);
        if (!_accepted.Writer.TryWrite(connection))
        {
            Interlocked.Decrement(ref _waiting);
            connection.CloseFromListener();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        _network.Unbind(_endPoint, this);
        _accepted.Writer.TryComplete();
        _engine.Forget(this);
        // Connections that completed their handshake but were never accepted are closed, as a server socket would.
        while (_accepted.Reader.TryRead(out var connection))
        {
            await connection.CloseAsync(0, "listener disposed").ConfigureAwait(false);
        }
    }

    public override string ToString() => $"in-memory listener {_endPoint}";
}
