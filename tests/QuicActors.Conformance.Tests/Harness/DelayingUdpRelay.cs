using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace QuicActors.Conformance.Tests.Harness;

/// <summary>
/// A loopback UDP relay in front of one server that delays what the server sends, so on loopback a client still acts
/// between its first flight and the server's answer (0-RTT before the handshake completes), as on a real network.
/// Each client address gets its own socket towards the server, so several connections can share the relay. It can also
/// lose what the server sends for a while (<see cref="LoseServerPackets"/>), to make a frame arrive late. Linked into
/// the transport tests as well.
/// </summary>
internal sealed class DelayingUdpRelay : IAsyncDisposable
{
    private readonly Socket _front = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly ConcurrentDictionary<EndPoint, Socket> _backs = new();
    private readonly List<Task> _pumps = [];
    private readonly IPEndPoint _server;
    private readonly TimeSpan _serverDelay;
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _losing;
    private int _lost;

    public DelayingUdpRelay(EndPoint server, TimeSpan serverDelay)
    {
        _server = (IPEndPoint)server;
        _serverDelay = serverDelay;
        _front.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        lock (_pumps) _pumps.Add(Task.Run(ClientToServerAsync));
    }

    public EndPoint EndPoint => _front.LocalEndPoint!;

    /// <summary>While true, every packet the server sends is dropped (and counted in <see cref="LostServerPackets"/>).</summary>
    public bool LoseServerPackets
    {
        get => _losing;
        set => _losing = value;
    }

    /// <summary>How many of the server's packets were dropped so far.</summary>
    public int LostServerPackets => Volatile.Read(ref _lost);

    private async Task ClientToServerAsync()
    {
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                var r = await _front.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                var back = _backs.GetOrAdd(r.RemoteEndPoint, OpenBack);
                await back.SendToAsync(buffer.AsMemory(0, r.ReceivedBytes), _server, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private Socket OpenBack(EndPoint client)
    {
        var back = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        back.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        lock (_pumps) _pumps.Add(Task.Run(() => ServerToClientAsync(back, client)));
        return back;
    }

    private async Task ServerToClientAsync(Socket back, EndPoint client)
    {
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                var r = await back.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                if (_losing)
                {
                    Interlocked.Increment(ref _lost);
                    continue;
                }

                var copy = buffer.AsMemory(0, r.ReceivedBytes).ToArray();
                _ = DeliverLaterAsync(copy, client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task DeliverLaterAsync(byte[] datagram, EndPoint client)
    {
        try
        {
            await Task.Delay(_serverDelay, _stop.Token);
            await _front.SendToAsync(datagram, client, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _front.Dispose();
        foreach (var back in _backs.Values) back.Dispose();
        Task[] pumps;
        lock (_pumps) pumps = [.. _pumps];
        await Task.WhenAll(pumps);
        _stop.Dispose();
    }
}
