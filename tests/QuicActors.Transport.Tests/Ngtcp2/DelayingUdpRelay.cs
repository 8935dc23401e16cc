using System.Net;
using System.Net.Sockets;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>
/// A loopback UDP relay between one client and a server that delays what the server sends, so a test can act in the
/// window between a client's first flight and the server's answer (0-RTT before the handshake completes). It can also
/// lose what the server sends for a while (<see cref="LoseServerPackets"/>), to make a frame arrive late.
/// </summary>
internal sealed class DelayingUdpRelay : IAsyncDisposable
{
    private readonly Socket _front = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _back = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _server;
    private readonly TimeSpan _serverDelay;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pumps;
    private EndPoint? _client;
    private volatile bool _losing;
    private int _lost;

    public DelayingUdpRelay(EndPoint server, TimeSpan serverDelay)
    {
        _server = (IPEndPoint)server;
        _serverDelay = serverDelay;
        _front.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _back.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _pumps = Task.WhenAll(Task.Run(ClientToServerAsync), Task.Run(ServerToClientAsync));
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
                _client = r.RemoteEndPoint;
                await _back.SendToAsync(buffer.AsMemory(0, r.ReceivedBytes), _server, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServerToClientAsync()
    {
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                var r = await _back.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                if (_losing)
                {
                    Interlocked.Increment(ref _lost);
                    continue;
                }

                var copy = buffer.AsMemory(0, r.ReceivedBytes).ToArray();
                _ = Task.Delay(_serverDelay, _stop.Token).ContinueWith(async _ =>
                {
                    if (_client is not null) await _front.SendToAsync(copy, _client);
                }, TaskScheduler.Default);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _front.Dispose();
        _back.Dispose();
        await _pumps;
        _stop.Dispose();
    }
}
