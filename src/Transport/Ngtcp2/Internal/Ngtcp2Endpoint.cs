using System.Net;
using System.Net.Sockets;

namespace QuicActors.Transport.Ngtcp2.Internal;

/// <summary>
/// One UDP socket and the thread that owns every ngtcp2 call for the connections on it. App threads call into a
/// connection under <see cref="Sync"/> and then <see cref="Wake"/> the loop, which flushes packets and runs ngtcp2's
/// timers; so a connection is only ever touched by one thread at a time and no native callback reaches managed code.
/// </summary>
internal sealed class Ngtcp2Endpoint : IDisposable
{
    /// <summary>The largest UDP payload we send; ngtcp2 itself starts at 1200 and probes upwards only if allowed.</summary>
    public const int MaxSendPayload = 1452;

    private readonly Socket _socket;
    private readonly Thread _thread;
    private readonly IPEndPoint _wakeTarget;
    private readonly byte[] _receiveBuffer = new byte[65536];
    private readonly byte[] _sendBuffer = new byte[MaxSendPayload];
    private readonly List<Ngtcp2Connection> _connections = [];
    private readonly HashSet<Ngtcp2Connection> _dirty = [];
    private readonly List<Ngtcp2Connection> _finished = [];
    private readonly Dictionary<ConnectionIdKey, Ngtcp2Connection> _routes = [];
    private readonly Ngtcp2Listener? _listener;
    private volatile bool _stopping;
    private int _wakePending;
    private int _loopThreadId = -1;

    public Ngtcp2Endpoint(Socket socket, Ngtcp2Listener? listener, string name)
    {
        _socket = socket;
        _listener = listener;
        var local = (IPEndPoint)socket.LocalEndPoint!;
        LocalEndPoint = local;
        LocalAddress = local.Serialize();
        var wakeAddress = local.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : local.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : local.Address;
        _wakeTarget = new IPEndPoint(wakeAddress, local.Port);
        _thread = new Thread(Run) { IsBackground = true, Name = name };
    }

    /// <summary>Guards every native call and all connection state of this endpoint.</summary>
    public object Sync { get; } = new();

    public IPEndPoint LocalEndPoint { get; }

    public SocketAddress LocalAddress { get; }

    /// <summary>Connections alive on this endpoint (for tests and the soak).</summary>
    public int ConnectionCount
    {
        get { lock (Sync) return _connections.Count; }
    }

    public void Start() => _thread.Start();

    /// <summary>Adds a connection; caller holds <see cref="Sync"/>.</summary>
    public void Add(Ngtcp2Connection connection)
    {
        _connections.Add(connection);
        _dirty.Add(connection);
    }

    /// <summary>Marks a connection as having something to send; caller holds <see cref="Sync"/>.</summary>
    public void MarkDirty(Ngtcp2Connection connection) => _dirty.Add(connection);

    /// <summary>Schedules removal and native release of a finished connection; caller holds <see cref="Sync"/>.</summary>
    public void Finish(Ngtcp2Connection connection)
    {
        _finished.Add(connection);
        Wake();
    }

    public void AddRoute(ConnectionIdKey key, Ngtcp2Connection connection) => _routes[key] = connection;

    public void RemoveRoute(ConnectionIdKey key, Ngtcp2Connection connection)
    {
        if (_routes.TryGetValue(key, out var c) && ReferenceEquals(c, connection)) _routes.Remove(key);
    }

    /// <summary>Sends one datagram; caller holds <see cref="Sync"/>.</summary>
    public void Send(ReadOnlySpan<byte> datagram, SocketAddress remote)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, remote);
        }
        catch (SocketException)
        {
            // UDP is lossy anyway: a refused or unreachable send is a lost packet, which ngtcp2 recovers or times out.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Wakes the loop so it flushes dirty connections; an empty datagram to ourselves ends its poll.</summary>
    public void Wake()
    {
        // The loop itself (acknowledgements pumping pending writes) goes round again anyway: no datagram needed.
        if (Environment.CurrentManagedThreadId == _loopThreadId) return;
        if (Interlocked.Exchange(ref _wakePending, 1) != 0) return;
        try
        {
            _socket.SendTo([], SocketFlags.None, _wakeTarget);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>The send buffer, for a connection writing while the caller holds <see cref="Sync"/>.</summary>
    public byte[] SendBuffer => _sendBuffer;

    private void Run()
    {
        _loopThreadId = Environment.CurrentManagedThreadId;
        var family = LocalEndPoint.AddressFamily;
        var from = new SocketAddress(family);
        while (!_stopping)
        {
            try
            {
                int timeoutMicros;
                // Re-arm the wake-up before looking at the dirty set, never after the poll: a wake-up datagram is
                // drained together with the packets below, so a flag cleared after the poll could stay set with no
                // datagram left in the queue, and every later Wake would be swallowed until a timer fired (the stall).
                // Cleared here, a Wake that comes after is either seen by the section below (MarkDirty happens
                // under the lock first) or leaves a datagram that ends the poll.
                Interlocked.Exchange(ref _wakePending, 0);
                lock (Sync)
                {
                    RunTimers();
                    FlushDirty();
                    ReleaseFinished();
                    timeoutMicros = NextTimeoutMicros();
                }
                _socket.Poll(timeoutMicros, SelectMode.SelectRead);
                if (_stopping) break;
                lock (Sync)
                {
                    // Not Socket.Available: it reports the size of the next datagram, 0 for a wake-up, which would
                    // leave the wake-up (and everything behind it) in the queue forever.
                    for (var i = 0; i < 256 && _socket.Poll(0, SelectMode.SelectRead); i++)
                    {
                        var n = _socket.ReceiveFrom(_receiveBuffer, SocketFlags.None, from);
                        if (n == 0) continue; // a wake-up, or an empty datagram: not QUIC
                        OnDatagram(_receiveBuffer.AsSpan(0, n), from);
                    }
                }
            }
            catch (SocketException)
            {
                // ICMP port unreachable surfaces as ConnectionReset on the next receive: ignore; ngtcp2 times out.
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A bug in event translation must not take the process down with it: every connection of this
                // endpoint ends as closed by the transport, with the exception's message as the reason.
                lock (Sync)
                {
                    foreach (var c in _connections.ToArray()) c.Fail(e);
                    ReleaseFinished();
                }
                _stopping = true;
            }
        }
        lock (Sync)
        {
            foreach (var c in _connections.ToArray()) c.Abandon();
            ReleaseFinished();
        }
        // A client endpoint exists for one connection: when it is gone, so is the socket.
        if (_listener is null) _socket.Dispose();
    }

    private void OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        if (_listener is null)
        {
            if (_connections.Count > 0) _connections[0].OnDatagram(datagram);
            return;
        }
        if (!Ngtcp2Connection.TryGetDestinationId(datagram, out var key, out var isInitial))
        {
            _listener.CountDropped();
            return;
        }
        if (_routes.TryGetValue(key, out var connection))
        {
            connection.OnDatagram(datagram);
            return;
        }
        if (!isInitial)
        {
            _listener.CountDropped();
            return;
        }
        var created = _listener.CreateConnection(this, datagram, from, key);
        if (created is null) _listener.CountDropped();
    }

    private void RunTimers()
    {
        var now = NativeMethods.Timestamp();
        for (var i = 0; i < _connections.Count; i++)
        {
            var c = _connections[i];
            if (c.Expiry <= now)
            {
                c.OnExpiry(now);
                _dirty.Add(c);
            }
        }
    }

    private void FlushDirty()
    {
        if (_dirty.Count == 0) return;
        foreach (var c in _dirty) c.Flush();
        _dirty.Clear();
    }

    private void ReleaseFinished()
    {
        if (_finished.Count == 0) return;
        foreach (var c in _finished)
        {
            _connections.Remove(c);
            _dirty.Remove(c);
            c.ReleaseNative();
        }
        _finished.Clear();
        if (_listener is null && _connections.Count == 0) _stopping = true;
    }

    private int NextTimeoutMicros()
    {
        if (_dirty.Count > 0 || _finished.Count > 0) return 0;
        var min = ulong.MaxValue;
        foreach (var c in _connections) min = Math.Min(min, c.Expiry);
        const int maxWait = 1_000_000;
        if (min == ulong.MaxValue) return maxWait;
        var now = NativeMethods.Timestamp();
        if (min <= now) return 0;
        return (int)Math.Min(maxWait, ((min - now) / 1000) + 1);
    }

    /// <summary>Stops the loop; connections still open are abandoned (their owners see them closed).</summary>
    public void Dispose()
    {
        _stopping = true;
        Wake();
        if (Thread.CurrentThread != _thread && _thread.IsAlive) _thread.Join(TimeSpan.FromSeconds(5));
        _socket.Dispose();
    }
}
