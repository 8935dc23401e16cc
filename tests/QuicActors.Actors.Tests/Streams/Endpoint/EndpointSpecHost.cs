using System.Net;
using QuicActors.Streams;
using QuicActors.Transport;
using QuicActors.Transport.InMemory;

namespace QuicActors.Actors.Tests.Streams.Endpoint;

/// <summary>A server and a client in-memory engine on one network and one virtual clock, for the public entry points.</summary>
internal sealed class EndpointSpecHost : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public EndpointSpecHost(TimeProvider time)
    {
        var network = new InMemoryNetwork();
        ServerEngine = new InMemoryQuicEngine(new InMemoryEngineOptions { TimeProvider = time, Network = network, Seed = 1 });
        ClientEngine = new InMemoryQuicEngine(new InMemoryEngineOptions { TimeProvider = time, Network = network, Seed = 2 });
    }

    public InMemoryQuicEngine ServerEngine { get; }

    public InMemoryQuicEngine ClientEngine { get; }

    public static QuicListenerOptions ListenerOptions(int inboundBidirectionalLimit = 100, EarlyDataPolicy earlyData = EarlyDataPolicy.Disabled) => new()
    {
        ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        ApplicationProtocols = ["spec"],
        Transport = new QuicTransportParameters { MaxInboundBidirectionalStreams = inboundBidirectionalLimit },
        EarlyData = earlyData,
    };

    public static QuicClientOptions ClientOptions(QuicListener listener) => new()
    {
        RemoteEndPoint = listener.LocalEndPoint,
        ApplicationProtocols = ["spec"],
    };

    /// <summary>Polls <paramref name="condition"/> on the real clock until it holds or <see cref="Wait"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(10);
        }

        return await condition();
    }

    public async ValueTask DisposeAsync()
    {
        await ClientEngine.DisposeAsync();
        await ServerEngine.DisposeAsync();
    }
}
