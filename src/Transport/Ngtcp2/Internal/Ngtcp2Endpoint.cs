using System.Net;
using System.Net.Sockets;

namespace QuicActors.Transport.Ngtcp2.Internal;

/// <summary>
/// One UDP socket and the thread that owns every ngtcp2 call for the connections on it. App threads call into a
/// connection under <see cref="Sync"/> and then <see cref="Wake"/> the loop, which flushes packets and runs ngtcp2's
/// timers; so a connection is only ever touched by one thread at a time and no native callback reaches managed code.
/// The loop's socket I/O goes through the shim: datagrams are received and sent in batches (recvmmsg, sendmmsg), and
/// it waits (ppoll) on the socket and an eventfd that <see cref="Wake"/> signals, with ngtcp2's timer to the
/// nanosecond.
/// </summary>
internal sealed unsafe class Ngtcp2Endpoint : IDisposable
{
    /// <summary>The largest UDP payload we send; ngtcp2 itself starts at 1200 and probes upwards only if allowed.</summary>
    public const int MaxSendPayload = 1452;

    /// <summary>How many datagrams one receive or send system call moves at most.</summary>
    public const int BatchSize = 32;

    /// <summary>Room for one received datagram: more than any QUIC peer sends without a larger path MTU.</summary>
    private const int ReceiveSlot = 2048;

    /// <summary>Room for one source address (struct sockaddr_storage).</summary>
    private const int AddressSlot = 128;

    private readonly Socket _socket;
    private readonly int _fd;
    private readonly SafeIoWakeHandle _wake;
    private readonly Thread _thread;
    // Pinned for the endpoint's lifetime: the loop hands their addresses to every batched system call.
    private readonly byte[] _receiveBuffers = GC.AllocateArray<byte>(BatchSize * ReceiveSlot, pinned: true);
    private readonly byte[] _receiveAddresses = GC.AllocateArray<byte>(BatchSize * AddressSlot, pinned: true);
    private readonly int[] _receiveLengths = GC.AllocateArray<int>(BatchSize, pinned: true);
    private readonly int[] _receiveAddressLengths = GC.AllocateArray<int>(BatchSize, pinned: true);
    private readonly byte[] _sendBuffers = GC.AllocateArray<byte>(BatchSize * MaxSendPayload, pinned: true);
    private readonly int[] _sendLengths = GC.AllocateArray<int>(BatchSize, pinned: true);
    private readonly byte[] _sendBuffer = new byte[MaxSendPayload];
    private readonly List<Ngtcp2Connection> _connections = [];
    private HashSet<Ngtcp2Connection> _dirty = [];
    private HashSet<Ngtcp2Connection> _flushing = [];
    private readonly List<Ngtcp2Connection> _finished = [];
    private readonly Dictionary<ConnectionIdKey, Ngtcp2Connection> _routes = [];
    private readonly Ngtcp2Listener? _listener;
    private volatile bool _stopping;
    private int _wakePending;
    private long _passes;
    private int _loopThreadId = -1;

    public Ngtcp2Endpoint(Socket socket, Ngtcp2Listener? listener, string name)
    {
        _socket = socket;
        _listener = listener;
        var local = (IPEndPoint)socket.LocalEndPoint!;
        LocalEndPoint = local;
        LocalAddress = local.Serialize();
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        var wake = NativeMethods.IoWakeNew();
        if (wake < 0) throw new SocketException(-wake);
        _wake = new SafeIoWakeHandle(wake);
        _thread = new Thread(Run) { IsBackground = true, Name = name };
    }

    /// <summary>Guards every native call and all connection state of this endpoint.</summary>
    public object Sync { get; } = new();

    public IPEndPoint LocalEndPoint { get; }

    public SocketAddress LocalAddress { get; }

    /// <summary>How many times the loop went round (for tests: a loop that stops counting while woken is stalled).</summary>
    public long Passes => Interlocked.Read(ref _passes);

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

    /// <summary>Wakes the loop so it flushes dirty connections: signals the eventfd it waits on.</summary>
    public void Wake()
    {
        // The loop itself (acknowledgements pumping pending writes) goes round again anyway.
        if (Environment.CurrentManagedThreadId == _loopThreadId) return;
        if (Interlocked.Exchange(ref _wakePending, 1) != 0) return;
        SignalLoop();
    }

    private void SignalLoop()
    {
        try
        {
            NativeMethods.IoWake(_wake);
        }
        catch (ObjectDisposedException)
        {
            // The loop is gone: nothing left to wake.
        }
    }

    /// <summary>The send buffer for single datagrams (closes), for a connection writing while the caller holds <see cref="Sync"/>.</summary>
    public byte[] SendBuffer => _sendBuffer;

    /// <summary>Where a flush writes packet <c>i</c> of a batch: <c>SendSlot(i)</c>; caller holds <see cref="Sync"/>.</summary>
    public Span<byte> SendSlot(int index) => _sendBuffers.AsSpan(index * MaxSendPayload, MaxSendPayload);

    /// <summary>Records the length of packet <c>i</c> of the batch being written; caller holds <see cref="Sync"/>.</summary>
    public void SetSendLength(int index, int length) => _sendLengths[index] = length;

    /// <summary>Sends the first <paramref name="count"/> packets of the batch to one peer in one system call; caller holds <see cref="Sync"/>.</summary>
    public void SendBatch(int count, SocketAddress remote)
    {
        if (count == 0) return;
        var address = remote.Buffer.Span;
        fixed (byte* buffers = _sendBuffers)
        fixed (int* lengths = _sendLengths)
        fixed (byte* a = address)
        {
            // Refused, unreachable or dropped: lost packets, which ngtcp2 recovers or times out.
            _ = NativeMethods.IoSend(_fd, buffers, MaxSendPayload, count, lengths, a, (nuint)remote.Size);
        }
    }

    private void Run()
    {
        _loopThreadId = Environment.CurrentManagedThreadId;
        var from = new SocketAddress(LocalEndPoint.AddressFamily);
        var socketReferenced = false;
        var wakeReferenced = false;
        // The raw descriptors must stay open while the loop uses them, even if Dispose runs meanwhile.
        _socket.SafeHandle.DangerousAddRef(ref socketReferenced);
        _wake.DangerousAddRef(ref wakeReferenced);
        try
        {
            while (!_stopping)
            {
                try
                {
                    long timeoutNanos;
                    // Re-arm the wake-up before looking at the dirty set, never after the wait: cleared here, a Wake
                    // that comes after is either seen by the section below (MarkDirty happens under the lock first)
                    // or signals the eventfd and ends the wait. Cleared after the wait, a Wake landing between the
                    // signal being consumed and the flag being cleared was swallowed: the loop then slept until a
                    // timer fired (up to 1 s) with writes queued (the stall of the bulk benchmark).
                    Interlocked.Exchange(ref _wakePending, 0);
                    Interlocked.Increment(ref _passes);
                    lock (Sync)
                    {
                        RunTimers();
                        FlushDirty();
                        ReleaseFinished();
                        timeoutNanos = NextTimeoutNanos();
                    }
                    // A failing wait (the socket is gone) ends the loop like any other failure below.
                    var waited = timeoutNanos == 0 ? 0 : NativeMethods.IoWait(_fd, _wake.Descriptor, timeoutNanos);
                    if (waited < 0) throw new SocketException(-waited);
                    if (_stopping) break;
                    lock (Sync) ReceiveAll(from);
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
        }
        finally
        {
            if (wakeReferenced) _wake.DangerousRelease();
            if (socketReferenced) _socket.SafeHandle.DangerousRelease();
        }
        // A client endpoint exists for one connection: when it is gone, so are the socket and the wake-up.
        if (_listener is null)
        {
            _socket.Dispose();
            _wake.Dispose();
        }
    }

    /// <summary>Feeds every queued datagram to its connection, a batch per system call; caller holds <see cref="Sync"/>.</summary>
    private void ReceiveAll(SocketAddress from)
    {
        // Bounded, so a flood cannot starve timers and flushes: the wait returns at once if more is queued.
        for (var round = 0; round < 8; round++)
        {
            int n;
            fixed (byte* buffers = _receiveBuffers)
            fixed (byte* addresses = _receiveAddresses)
            fixed (int* lengths = _receiveLengths)
            fixed (int* addressLengths = _receiveAddressLengths)
                n = NativeMethods.IoReceive(_fd, buffers, ReceiveSlot, BatchSize, lengths, addresses, addressLengths);
            // n < 0: an ICMP error (port unreachable) reported on the socket; ngtcp2 times such a peer out.
            if (n <= 0) return;
            for (var i = 0; i < n; i++)
            {
                var length = _receiveLengths[i];
                if (length <= 0)
                {
                    // Empty, or longer than any QUIC peer of ours sends and cut short: not a packet we can use.
                    _listener?.CountDropped();
                    continue;
                }
                var addressLength = Math.Min(_receiveAddressLengths[i], AddressSlot);
                OnDatagram(_receiveBuffers.AsSpan(i * ReceiveSlot, length), _receiveAddresses.AsSpan(i * AddressSlot, addressLength), from);
            }
            if (n < BatchSize) return;
        }
    }

    private void OnDatagram(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> source, SocketAddress from)
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
        // Only a new connection needs the source address as an object: filled in here, copied by the listener.
        if (source.Length > from.Buffer.Length)
        {
            _listener.CountDropped();
            return;
        }
        source.CopyTo(from.Buffer.Span);
        from.Size = source.Length;
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
        // A flush drains events, and those can queue more (acknowledgements pump pending writes): marks made meanwhile
        // land in the fresh set and get their own flush on the next pass instead of being cleared with this one.
        (_flushing, _dirty) = (_dirty, _flushing);
        foreach (var c in _flushing) c.Flush();
        _flushing.Clear();
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

    /// <summary>How long the loop may wait: until the earliest ngtcp2 expiry (ns), at most a second, 0 with work pending.</summary>
    private long NextTimeoutNanos()
    {
        if (_dirty.Count > 0 || _finished.Count > 0) return 0;
        var min = ulong.MaxValue;
        foreach (var c in _connections) min = Math.Min(min, c.Expiry);
        const long maxWait = 1_000_000_000;
        if (min == ulong.MaxValue) return maxWait;
        var now = NativeMethods.Timestamp();
        if (min <= now) return 0;
        return (long)Math.Min((ulong)maxWait, min - now);
    }

    /// <summary>Stops the loop; connections still open are abandoned (their owners see them closed).</summary>
    public void Dispose()
    {
        _stopping = true;
        // Not through Wake: its pending flag may still be set by a wake-up the loop consumed before it looked at
        // _stopping, and the loop would then sleep until its next timer.
        SignalLoop();
        if (Thread.CurrentThread != _thread && _thread.IsAlive) _thread.Join(TimeSpan.FromSeconds(5));
        _socket.Dispose();
        // A loop still running holds its own reference: the descriptor closes when it lets go.
        _wake.Dispose();
    }
}
