using System.Text;
using QuicActors.Conformance.Tests.Harness;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using static QuicActors.Transport.Tests.Ngtcp2.Ngtcp2TestContext;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>Session tickets, 0-RTT accepted and rejected, and datagrams.</summary>
public sealed class Ngtcp2ResumptionTests
{
    private static async Task<QuicResumptionTicket> FirstTicketAsync(IQuicEngine engine, IQuicEngineListener listener)
    {
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var client = await engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        await using var server = await accept.WaitAsync(Wait);
        var ticket = (await NextAsync<ResumptionTicketReceived>(client)).Ticket;
        Assert.Equal("ngtcp2", ticket.Engine);
        Assert.Equal(Alpn, ticket.ApplicationProtocol);
        return ticket;
    }

    [SkippableFact]
    public async Task Accepted_0RTT_opens_streams_before_the_handshake_and_the_server_reads_them()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener(earlyData: EarlyDataPolicy.Accept));
        var ticket = await FirstTicketAsync(engine, listener);

        await using var relay = new DelayingUdpRelay(listener.LocalEndPoint, TimeSpan.FromMilliseconds(300));
        var accept = listener.AcceptConnectionAsync().AsTask();
        var options = Client(relay.EndPoint) with { ResumptionTicket = ticket, EnableEarlyData = true };
        await using var client = await engine.ConnectAsync(options).AsTask().WaitAsync(Wait);
        Assert.Null(client.ApplicationProtocol);
        Assert.True(client.TryOpenStream(StreamDirection.Bidirectional, out var id), "0-RTT credit from the remembered transport parameters");
        await client.WriteAsync(id, Encoding.UTF8.GetBytes("early"), fin: true);

        await using var server = await accept.WaitAsync(Wait);
        Assert.Equal("early"u8.ToArray(), await ReadToEndAsync(server, id));
        var handshake = await NextAsync<HandshakeCompleted>(client);
        Assert.True(handshake.EarlyDataAccepted);
    }

    [SkippableFact]
    public async Task Rejected_0RTT_discards_early_streams_and_ids_restart_at_zero()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener(earlyData: EarlyDataPolicy.Reject));
        var ticket = await FirstTicketAsync(engine, listener);

        // The server's answer is held back so the early stream surely opens before the rejection arrives.
        await using var relay = new DelayingUdpRelay(listener.LocalEndPoint, TimeSpan.FromMilliseconds(300));
        var accept = listener.AcceptConnectionAsync().AsTask();
        var options = Client(relay.EndPoint) with { ResumptionTicket = ticket, EnableEarlyData = true };
        await using var client = await engine.ConnectAsync(options).AsTask().WaitAsync(Wait);
        Assert.True(client.TryOpenStream(StreamDirection.Bidirectional, out var early));
        Assert.Equal(0, early.Value);
        await client.WriteAsync(early, Encoding.UTF8.GetBytes("lost"), fin: true);

        var seen = new List<EngineEvent>();
        var rejected = await NextAsync<EarlyDataRejected>(client, seen: seen);
        Assert.Equal([early], rejected.DiscardedStreams);
        var handshake = await NextAsync<HandshakeCompleted>(client, seen: seen);
        Assert.False(handshake.EarlyDataAccepted);
        var stale = Assert.Throws<QuicTransportException>(() => client.ResetStream(early, 1));
        Assert.Equal(QuicTransportError.StreamNotFound, stale.Error);

        var again = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        Assert.Equal(0, again.Value);
        await client.WriteAsync(again, Encoding.UTF8.GetBytes("1-rtt"), fin: true);
        await using var server = await accept.WaitAsync(Wait);
        Assert.Equal("1-rtt"u8.ToArray(), await ReadToEndAsync(server, again));
    }

    [SkippableFact]
    public async Task A_ticket_from_a_server_without_0RTT_resumes_without_offering_early_data()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener(earlyData: EarlyDataPolicy.Disabled));
        var ticket = await FirstTicketAsync(engine, listener);

        var accept = listener.AcceptConnectionAsync().AsTask();
        var options = Client(listener.LocalEndPoint) with { ResumptionTicket = ticket, EnableEarlyData = true };
        await using var client = await engine.ConnectAsync(options).AsTask().WaitAsync(Wait);
        Assert.Equal(Alpn, client.ApplicationProtocol); // the connect waited for the full handshake
        var seen = new List<EngineEvent>();
        var handshake = await NextAsync<HandshakeCompleted>(client, seen: seen);
        Assert.False(handshake.EarlyDataAccepted);
        Assert.DoesNotContain(seen, e => e is EarlyDataRejected);
        await using var server = await accept.WaitAsync(Wait);
    }

    [SkippableFact]
    public async Task Datagrams_flow_both_ways_when_negotiated_and_are_refused_otherwise()
    {
        await using var engine = EngineOrSkip();
        var withDatagrams = new QuicTransportParameters { MaxDatagramFrameSize = 1200 };
        await using var listener = await engine.ListenAsync(Listener(withDatagrams));
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var client = await engine.ConnectAsync(Client(listener.LocalEndPoint, withDatagrams)).AsTask().WaitAsync(Wait);
        await using var server = await accept.WaitAsync(Wait);
        Assert.InRange(client.MaxDatagramSize, 1000, 1200);

        Assert.True(client.SendDatagram("ping"u8));
        using (var d = await NextAsync<DatagramReceived>(server)) Assert.Equal("ping"u8.ToArray(), d.Payload.ToArray());
        Assert.True(server.SendDatagram("pong"u8));
        using (var d = await NextAsync<DatagramReceived>(client)) Assert.Equal("pong"u8.ToArray(), d.Payload.ToArray());
        var tooLarge = Assert.Throws<QuicTransportException>(() => client.SendDatagram(new byte[client.MaxDatagramSize + 1]));
        Assert.Equal(QuicTransportError.DatagramRejected, tooLarge.Error);

        await using var plainListener = await engine.ListenAsync(Listener());
        var plainAccept = plainListener.AcceptConnectionAsync().AsTask();
        await using var plain = await engine.ConnectAsync(Client(plainListener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        await using var plainServer = await plainAccept.WaitAsync(Wait);
        Assert.Equal(0, plain.MaxDatagramSize);
        var refused = Assert.Throws<QuicTransportException>(() => plain.SendDatagram("x"u8));
        Assert.Equal(QuicTransportError.DatagramRejected, refused.Error);
    }
}
