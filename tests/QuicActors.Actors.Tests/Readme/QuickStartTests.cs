using System.Net;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;
using QuicActors.Transport.InMemory;

namespace QuicActors.Actors.Tests.Readme;

/// <summary>The README's "A server and a client in code" snippet, kept compiling and working.</summary>
public sealed class QuickStartTests
{
    [Fact]
    public async Task The_readme_server_and_client_echo()
    {
        var system = ActorSystem.Create("demo");
        try
        {
            var engine = new InMemoryQuicEngine();
            var listener = await QuicActorsEndpoint.ListenAsync(system, engine,
                new QuicListenerOptions { ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0), ApplicationProtocols = ["echo"] },
                new ListenerSettings { Connection = new ConnectionActorSettings { StreamHandler = EchoAsync } });
            await using var _ = listener;

            await using var connection = await QuicActorsEndpoint.ConnectAsync(system, engine,
                new QuicClientOptions { RemoteEndPoint = listener.LocalEndPoint, ApplicationProtocols = ["echo"] });
            await using var stream = await connection.OpenStreamAsync();
            await stream.WriteAsync("hello"u8.ToArray(), completeWrites: true);
            var buffer = new byte[64];
            var n = await stream.ReadAsync(buffer, deadline: TimeSpan.FromSeconds(1));
            Assert.Equal("hello"u8.ToArray(), buffer[..n]);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static async Task EchoAsync(StreamHandle stream, CancellationToken peerAborted)
    {
        var buffer = new byte[4096];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) await stream.WriteAsync(buffer.AsMemory(0, n));
        await stream.CompleteWritesAsync();
    }
}
