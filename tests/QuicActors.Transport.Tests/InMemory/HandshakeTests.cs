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
}
