using QuicActors.Transport.Events;

namespace QuicActors.Transport.Tests.InMemory;

public sealed class HandshakeTests
{
    [Fact]
    public async Task Handshake_reports_the_peers_transport_parameters_and_initial_credit()
    {
        var server = new QuicTransportParameters { MaxInboundBidirectionalStreams = 7, MaxInboundUnidirectionalStreams = 3, StreamReceiveWindow = 5000, IdleTimeout = TimeSpan.FromSeconds(9) };
        var client = new QuicTransportParameters { MaxInboundBidirectionalStreams = 2, MaxDatagramFrameSize = 500 };
        await using var pair = await InMemoryTestPair.CreateAsync(server: server, client: client);
        var events = pair.Drain();

        var atClient = events.OfType<HandshakeCompleted>().First();
        Assert.Equal((7, 3, 5000L, TimeSpan.FromSeconds(9)), (atClient.PeerParameters.MaxInboundBidirectionalStreams, atClient.PeerParameters.MaxInboundUnidirectionalStreams,
            atClient.PeerParameters.StreamReceiveWindow, atClient.PeerParameters.IdleTimeout));
        var atServer = events.OfType<HandshakeCompleted>().Last();
        Assert.Equal(2, atServer.PeerParameters.MaxInboundBidirectionalStreams);
        Assert.Equal(500, atServer.PeerParameters.MaxDatagramFrameSize);
        Assert.Contains(events, e => e is StreamCreditGranted { Direction: StreamDirection.Bidirectional, MaxStreams: 7, Available: 7 });
        Assert.Contains(events, e => e is StreamCreditGranted { Direction: StreamDirection.Unidirectional, MaxStreams: 3 });
        Assert.Contains(events, e => e is ResumptionTicketReceived);
        // Datagrams need both ends: the server advertised none.
        Assert.Equal(0, pair.Client.MaxDatagramSize);
    }

    [Fact]
    public async Task Reset_reports_the_final_size_sent()
    {
        await using var pair = await InMemoryTestPair.CreateAsync();
        var id = await pair.Client.OpenStreamAsync(StreamDirection.Bidirectional);
        await pair.Client.WriteAsync(id, new byte[5], fin: false);
        Assert.True(pair.Client.ResetStream(id, 42));
        var events = pair.Drain();
        var reset = Assert.Single(events.OfType<PeerResetStream>());
        Assert.Equal((42L, 5L), (reset.ApplicationErrorCode, reset.FinalSize));
        Assert.Contains(events, e => e is StreamResetAcknowledged r && r.StreamId == id);
    }

    [Fact]
    public async Task Traffic_keeps_the_idle_timer_from_firing()
    {
        var idle = new QuicTransportParameters { IdleTimeout = TimeSpan.FromSeconds(2) };
        await using var pair = await InMemoryTestPair.CreateAsync(server: idle, client: idle);
        var id = await pair.Client.OpenStreamAsync(StreamDirection.Bidirectional);
        for (var i = 0; i < 10; i++)
        {
            pair.Time.Advance(TimeSpan.FromSeconds(1.5));
            await pair.Client.WriteAsync(id, new byte[1], fin: false);
        }
        Assert.False(pair.Client.Closed.IsCompleted);
        pair.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(ConnectionCloseInitiator.IdleTimeout, (await pair.Server.Closed.WaitAsync(TimeSpan.FromSeconds(10))).Initiator);
    }

    [Fact]
    public async Task A_full_accept_backlog_refuses_connections()
    {
        await using var engine = new QuicActors.Transport.InMemory.InMemoryQuicEngine(new() { Network = new QuicActors.Transport.InMemory.InMemoryNetwork() });
        await using var listener = await engine.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
            ApplicationProtocols = ["x"],
            AcceptBacklog = 1,
        });
        var options = new QuicClientOptions { RemoteEndPoint = listener.LocalEndPoint, ApplicationProtocols = ["x"] };
        await using var first = await engine.ConnectAsync(options);
        var error = await Assert.ThrowsAsync<QuicTransportException>(() => engine.ConnectAsync(options).AsTask());
        Assert.Equal(QuicTransportError.ConnectionRefused, error.Error);
        Assert.Contains("backlog of 1", error.Message, StringComparison.Ordinal);

        await using var accepted = await listener.AcceptConnectionAsync();
        await using var third = await engine.ConnectAsync(options); // room again
    }
}
