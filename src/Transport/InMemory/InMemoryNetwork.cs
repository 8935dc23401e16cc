using System.Net;
using QuicActors.Transport.InMemory.Internal;

namespace QuicActors.Transport.InMemory;

/// <summary>
/// The address space in-memory engines share: listeners bind an <see cref="IPEndPoint"/> on it and clients reach
/// them by that address. Engines on different networks cannot see each other, so tests that want isolation make
/// their own; engines made with default options share <see cref="Shared"/>.
/// </summary>
public sealed class InMemoryNetwork
{
    private const int FirstDynamicPort = 49152;
    private readonly Lock _gate = new();
    private readonly Dictionary<IPEndPoint, InMemoryListener> _listeners = [];
    private int _nextPort = FirstDynamicPort;

    /// <summary>The process-wide network used by engines whose options name none.</summary>
    public static InMemoryNetwork Shared { get; } = new();

    /// <summary>How many listeners are bound now.</summary>
    public int ListenerCount
    {
        get { lock (_gate) { return _listeners.Count; } }
    }

    internal IPEndPoint Bind(IPEndPoint requested, InMemoryListener listener)
    {
        lock (_gate)
        {
            var endPoint = requested.Port == 0 ? new IPEndPoint(requested.Address, NextFreePort(requested.Address)) : requested;
            if (!_listeners.TryAdd(endPoint, listener))
                throw new QuicTransportException(QuicTransportError.AddressInUse, $"Cannot listen on {endPoint}: another in-memory listener is bound there.");
            return endPoint;
        }
    }

    internal void Unbind(IPEndPoint endPoint, InMemoryListener listener)
    {
        lock (_gate)
        {
            if (_listeners.TryGetValue(endPoint, out var bound) && ReferenceEquals(bound, listener)) _listeners.Remove(endPoint);
        }
    }

    /// <summary>Finds the listener at <paramref name="endPoint"/>: the exact address, else a wildcard bind on the same port.</summary>
    internal InMemoryListener? Find(EndPoint endPoint)
    {
        IPEndPoint? ip = endPoint switch
        {
            IPEndPoint e => e,
            DnsEndPoint { Host: "localhost" } d => new IPEndPoint(IPAddress.Loopback, d.Port),
            DnsEndPoint d when IPAddress.TryParse(d.Host, out var address) => new IPEndPoint(address, d.Port),
            _ => null,
        };
        if (ip is null) return null;
        lock (_gate)
        {
            if (_listeners.TryGetValue(ip, out var listener)) return listener;
            if (_listeners.TryGetValue(new IPEndPoint(IPAddress.Any, ip.Port), out listener)) return listener;
            if (_listeners.TryGetValue(new IPEndPoint(IPAddress.IPv6Any, ip.Port), out listener)) return listener;
            return null;
        }
    }

    /// <summary>An ephemeral address for a client connection.</summary>
    internal IPEndPoint AllocateClientEndPoint()
    {
        lock (_gate)
        {
            return new IPEndPoint(IPAddress.Loopback, NextFreePort(IPAddress.Loopback));
        }
    }

    private int NextFreePort(IPAddress address)
    {
        // Caller holds _gate. Ports cycle through the dynamic range and skip bound ones, as an OS would.
        for (var attempt = 0; attempt < 65536 - FirstDynamicPort; attempt++)
        {
            var port = _nextPort;
            _nextPort = _nextPort == 65535 ? FirstDynamicPort : _nextPort + 1;
            if (!_listeners.ContainsKey(new IPEndPoint(address, port))) return port;
        }
        throw new QuicTransportException(QuicTransportError.AddressInUse, $"No free port is left on {address} in the in-memory network.");
    }
}
