using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using QuicActors.Kernel;
using QuicActors.Streams;
using QuicActors.Transport;
using QuicActors.Transport.Ngtcp2;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Endpoint;

using QuicActors.TestKit;

/// <summary>The entry points over real QUIC on loopback: ngtcp2, real clock. Skipped, with the reason, where ngtcp2 is missing.</summary>
public sealed class ListenerOverNgtcp2Spec(ITestOutputHelper output) : TestKit(output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task Two_clients_echo_through_a_listener_with_an_actor_handler_then_the_listener_stops_gracefully()
    {
        await using var engine = new Ngtcp2Engine();
        Skip.If(!engine.IsAvailable, $"ngtcp2 engine unavailable: {engine.UnavailableReason}");
        using var certificate = TestCertificates.CreateSelfSigned();
        var listenerOptions = ListenerOptions(certificate, new QuicTransportParameters { MaxInboundBidirectionalStreams = 4 });
        var settings = new ListenerSettings { Connection = new ConnectionActorSettings { StreamHandlerProps = Props.Create(() => new UpperCaseEcho()) } };
        var listener = await QuicActorsEndpoint.ListenAsync(Sys, engine, listenerOptions, settings);
        var clientOptions = ClientOptions(listener, certificate, new QuicTransportParameters());

        var clients = new[]
        {
            await QuicActorsEndpoint.ConnectAsync(Sys, engine, clientOptions).WaitAsync(Wait),
            await QuicActorsEndpoint.ConnectAsync(Sys, engine, clientOptions).WaitAsync(Wait),
        };
        try
        {
            // Ten streams per client through a limit of four: the later ones open only on released slots.
            foreach (var client in clients)
            {
                var exchanges = Enumerable.Range(0, 10).Select(i => ExchangeAsync(client, $"client {client.ConnectionId} stream {i}"));
                var replies = await Task.WhenAll(exchanges).WaitAsync(Wait);
                Assert.Equal(Enumerable.Range(0, 10).Select(i => $"CLIENT {client.ConnectionId} STREAM {i}"), replies);
            }

            var status = await listener.GetStatusAsync().WaitAsync(Wait);
            Assert.Equal((2L, 2), (status.Accepted, status.LiveConnections));
        }
        finally
        {
            Assert.True(await listener.StopAsync(TimeSpan.FromSeconds(5)).WaitAsync(Wait));
            foreach (var client in clients)
            {
                Assert.Equal(0, (await client.Closed.WaitAsync(Wait)).ErrorCode);
                await client.DisposeAsync();
            }
        }
    }

    [SkippableFact]
    public async Task A_slow_handler_actor_holds_a_real_peer_back_by_flow_control_and_then_gets_every_byte_in_order()
    {
        await using var engine = new Ngtcp2Engine();
        Skip.If(!engine.IsAvailable, $"ngtcp2 engine unavailable: {engine.UnavailableReason}");
        using var certificate = TestCertificates.CreateSelfSigned();
        var windows = new QuicTransportParameters();
        var listenerOptions = ListenerOptions(certificate, windows);
        var probe = CreateTestProbe("slow");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new ListenerSettings
        {
            Connection = new ConnectionActorSettings { StreamHandlerProps = SlowHandlerScenario.HandlerProps(gate.Task, probe.Ref), HandlerReadAheadBytes = SlowHandlerScenario.ReadAhead },
        };
        var listener = await QuicActorsEndpoint.ListenAsync(Sys, engine, listenerOptions, settings);
        var clientOptions = ClientOptions(listener, certificate, windows);
        await using var client = await QuicActorsEndpoint.ConnectAsync(Sys, engine, clientOptions).WaitAsync(Wait);
        try
        {
            await SlowHandlerScenario.RunAsync(client, probe, gate, windows, Wait);
        }
        finally
        {
            Assert.True(await listener.StopAsync(TimeSpan.FromSeconds(5)).WaitAsync(Wait));
        }
    }

    private static QuicListenerOptions ListenerOptions(X509Certificate2 certificate, QuicTransportParameters transport) => new()
    {
        ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        ApplicationProtocols = ["qa-endpoint"],
        ServerCertificate = certificate,
        Transport = transport,
    };

    private static QuicClientOptions ClientOptions(QuicListener listener, X509Certificate2 certificate, QuicTransportParameters transport) => new()
    {
        RemoteEndPoint = listener.LocalEndPoint,
        ServerName = "localhost",
        ApplicationProtocols = ["qa-endpoint"],
        TrustedCertificates = [certificate],
        Transport = transport,
    };

    private static async Task<string> ExchangeAsync(QuicConnection client, string text)
    {
        await using var stream = await client.OpenStreamAsync(timeout: Wait);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), completeWrites: true);
        var reply = new StringBuilder();
        var buffer = new byte[64];
        int n;
        while ((n = await stream.ReadAsync(buffer, Wait)) > 0)
        {
            reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return reply.ToString();
    }

    private sealed class UpperCaseEcho : ReceiveActor
    {
        public UpperCaseEcho()
        {
            Receive<StreamData>(d => Sender.Tell(new StreamWrite(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(d.Data.Span).ToUpperInvariant())), Self));
            Receive<StreamEndOfData>(_ => Sender.Tell(StreamCompleteWrites.Instance, Self));
            ReceiveAny(_ => { });
        }
    }
}
