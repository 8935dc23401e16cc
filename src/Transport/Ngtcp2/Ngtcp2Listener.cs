using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using QuicActors.Transport.Ngtcp2.Internal;

namespace QuicActors.Transport.Ngtcp2;

/// <summary>
/// A UDP endpoint serving many ngtcp2 connections, routed by the destination connection ID of each packet. Datagrams
/// that are not QUIC, or that name no connection and are no valid client Initial, are dropped and counted in
/// <see cref="DroppedDatagrams"/>; they never reach a connection.
/// </summary>
public sealed class Ngtcp2Listener : IQuicEngineListener
{
    private readonly Ngtcp2Endpoint _endpoint;
    private readonly SafeQaServerContextHandle _context;
    private readonly QuicListenerOptions _options;
    private readonly Channel<Ngtcp2Connection> _accepted = Channel.CreateUnbounded<Ngtcp2Connection>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly HashSet<Ngtcp2Connection> _live = [];
    private long _dropped;
    private int _waiting;
    private int _disposed;

    internal Ngtcp2Listener(Socket socket, SafeQaServerContextHandle context, QuicListenerOptions options)
    {
        _context = context;
        _options = options;
        _endpoint = new Ngtcp2Endpoint(socket, this, $"ngtcp2 listener {socket.LocalEndPoint}");
        _endpoint.Start();
    }

    /// <inheritdoc />
    public EndPoint LocalEndPoint => _endpoint.LocalEndPoint;

    /// <summary>How many datagrams were dropped because they were not QUIC or belonged to no connection.</summary>
    public long DroppedDatagrams => Interlocked.Read(ref _dropped);

    /// <summary>The listener's socket and loop (for tests).</summary>
    internal Ngtcp2Endpoint Endpoint => _endpoint;

    /// <summary>How many connections (handshaking or established) the listener currently holds.</summary>
    public int ConnectionCount => _endpoint.ConnectionCount;

    /// <inheritdoc />
    public async ValueTask<IQuicEngineConnection> AcceptConnectionAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        try
        {
            var connection = await _accepted.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Decrement(ref _waiting);
            return connection;
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(Ngtcp2Listener));
        }
    }

    internal void CountDropped() => Interlocked.Increment(ref _dropped);

    /// <summary>Creates a server connection for a client Initial; caller (the loop) holds the lock.</summary>
    internal unsafe Ngtcp2Connection? CreateConnection(Ngtcp2Endpoint endpoint, ReadOnlySpan<byte> initial, SocketAddress from, ConnectionIdKey originalDestinationId)
    {
        if (_disposed != 0) return null;
        var parameters = Ngtcp2Engine.ToNative(_options.Transport, TimeSpan.FromSeconds(10));
        var local = endpoint.LocalAddress;
        var remote = new SocketAddress(from.Family, from.Size);
        from.Buffer.Span[..from.Size].CopyTo(remote.Buffer.Span);
        var error = stackalloc byte[256];
        error[0] = 0;
        nint native;
        fixed (byte* l = local.Buffer.Span)
        fixed (byte* r = remote.Buffer.Span)
        fixed (byte* p = initial)
            native = NativeMethods.ServerNew(_context.DangerousGetHandle(), l, (nuint)local.Size, r, (nuint)remote.Size, p, (nuint)initial.Length, &parameters, NativeMethods.Timestamp(), error, 256);
        if (native == 0) return null;
        var remoteEndPoint = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(remote);
        var connection = new Ngtcp2Connection(endpoint, new SafeQaConnectionHandle(native), QuicConnectionRole.Server, remoteEndPoint, remote, _options.Transport, "", this);
        endpoint.Add(connection);
        _live.Add(connection);
        connection.RouteKeys.Add(originalDestinationId);
        endpoint.AddRoute(originalDestinationId, connection);
        // An Initial that ngtcp2 cannot even decrypt was noise that only looked like a client's first packet.
        return connection.OnDatagram(initial) ? connection : null;
    }

    /// <summary>Hands a connection out once: handshake complete, or accepted 0-RTT data arrived.</summary>
    internal void OnConnectionReady(Ngtcp2Connection connection)
    {
        if (connection.HandedOut) return;
        connection.HandedOut = true;
        if (Interlocked.Increment(ref _waiting) > _options.AcceptBacklog)
        {
            Interlocked.Decrement(ref _waiting);
            _ = connection.CloseAsync(0, "accept backlog full").AsTask();
            return;
        }
        _accepted.Writer.TryWrite(connection);
    }

    internal void OnConnectionTerminated(Ngtcp2Connection connection)
    {
        foreach (var key in connection.RouteKeys) _endpoint.RemoveRoute(key, connection);
        connection.RouteKeys.Clear();
        _live.Remove(connection);
    }

    /// <summary>Closes every connection (application code 0), stops the loop and frees the TLS context.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Ngtcp2Connection[] live;
        lock (_endpoint.Sync) live = [.. _live];
        foreach (var c in live) await c.CloseAsync(0, "listener disposed").ConfigureAwait(false);
        _accepted.Writer.TryComplete();
        while (_accepted.Reader.TryRead(out var pending)) await pending.DisposeAsync().ConfigureAwait(false);
        await Task.Run(_endpoint.Dispose).ConfigureAwait(false);
        _context.Dispose();
    }
}
