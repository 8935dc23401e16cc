using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using QuicActors.Conformance.Tests.Harness;

namespace QuicActors.Conformance.Tests.Transport;

/// <summary>0-RTT (RFC 9000 §4.6.1, §7.4.1; RFC 9001 §4.6) and datagrams (RFC 9221).</summary>
public abstract partial class TransportConformanceTests
{
    /// <summary>Makes one full connection to get a ticket, then reconnects offering 0-RTT with it.</summary>
    private async Task<(IQuicEngineListener Listener, IQuicEngineConnection Client, ConnectionEvents ClientEvents)> ResumeWithEarlyDataAsync(EarlyDataPolicy policy)
    {
        var listener = await Harness.ServerEngine.ListenAsync(Harness.CreateListenerOptions(new QuicTransportParameters(), policy));
        var options = Harness.CreateClientOptions(listener.LocalEndPoint, new QuicTransportParameters());
        QuicResumptionTicket ticket;
        {
            var first = await Within(Harness.ClientEngine.ConnectAsync(options).AsTask());
            await using var events = new ConnectionEvents(first, Harness.EventTimeout);
            ticket = (await events.NextAsync<ResumptionTicketReceived>()).Ticket;
            await using var accepted = await listener.AcceptConnectionAsync();
        }
        var client = await Within(Harness.ClientEngine.ConnectAsync(options with { ResumptionTicket = ticket, EnableEarlyData = true }).AsTask());
        var clientEvents = new ConnectionEvents(client, Harness.EventTimeout);
        return (listener, client, clientEvents);
    }

    [SkippableFact]
    public async Task Zero_rtt_accepted_delivers_early_streams_to_the_server()
    {
        Require(EngineCapabilities.ZeroRtt);
        var (listener, client, clientEvents) = await ResumeWithEarlyDataAsync(EarlyDataPolicy.Accept);
        await using var _listener = listener;
        await using var _clientEvents = clientEvents;
        Assert.Null(client.ApplicationProtocol); // still in 0-RTT

        var id = await Within(client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        await client.WriteAsync(id, Bytes("early bird"), fin: true);
        await using var server = await listener.AcceptConnectionAsync();
        await using var serverEvents = new ConnectionEvents(server, Harness.EventTimeout);
        Assert.True((await serverEvents.NextAsync<HandshakeCompleted>()).EarlyDataAccepted);
        Assert.Equal("early bird", Text(await serverEvents.ReadToEndAsync(id)));

        await Harness.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.True((await clientEvents.NextAsync<HandshakeCompleted>()).EarlyDataAccepted);
        Assert.False(clientEvents.Has<EarlyDataRejected>());
        Assert.Equal(Harness.ApplicationProtocol, client.ApplicationProtocol);
    }

    [SkippableFact]
    public async Task Zero_rtt_rejected_discards_early_streams_and_restarts_ids_at_zero()
    {
        Require(EngineCapabilities.ZeroRtt);
        var (listener, client, clientEvents) = await ResumeWithEarlyDataAsync(EarlyDataPolicy.Reject);
        await using var _listener = listener;
        await using var _clientEvents = clientEvents;

        var early0 = await Within(client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        var early1 = await Within(client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        await client.WriteAsync(early0, Bytes("lost 0"), fin: true);
        await client.WriteAsync(early1, Bytes("lost 1"), fin: false);
        await using var server = await listener.AcceptConnectionAsync();
        await using var serverEvents = new ConnectionEvents(server, Harness.EventTimeout);
        Assert.False((await serverEvents.NextAsync<HandshakeCompleted>()).EarlyDataAccepted);

        await Harness.AdvanceAsync(TimeSpan.FromSeconds(1));
        var rejected = await clientEvents.NextAsync<EarlyDataRejected>();
        Assert.Equal([early0, early1], rejected.DiscardedStreams);
        Assert.False((await clientEvents.NextAsync<HandshakeCompleted>()).EarlyDataAccepted);
        var notFound = Assert.Throws<QuicTransportException>(() => client.ResetStream(early1, 1));
        Assert.Equal(QuicTransportError.StreamNotFound, notFound.Error);

        var again = await Within(client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        Assert.Equal(0, again.Value);
        await client.WriteAsync(again, Bytes("1-rtt"), fin: true);
        Assert.Equal("1-rtt", Text(await serverEvents.ReadToEndAsync(again)));
        // Nothing of the early streams reached the server's application.
        Assert.Single(serverEvents.All.OfType<PeerStreamOpened>());
        Assert.DoesNotContain("lost", serverEvents.Text(again), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_ticket_from_a_server_without_early_data_gives_a_full_handshake()
    {
        Require(EngineCapabilities.ZeroRtt);
        var (listener, client, clientEvents) = await ResumeWithEarlyDataAsync(EarlyDataPolicy.Disabled);
        await using var _listener = listener;
        await using var _clientEvents = clientEvents;
        // ConnectAsync waited for the handshake: the protocol is known, and no 0-RTT happened.
        Assert.Equal(Harness.ApplicationProtocol, client.ApplicationProtocol);
        Assert.False((await clientEvents.NextAsync<HandshakeCompleted>()).EarlyDataAccepted);
        await using var server = await listener.AcceptConnectionAsync();
    }

    [SkippableFact]
    public async Task Datagrams_flow_when_both_ends_enable_them_and_oversize_ones_are_rejected()
    {
        Require(EngineCapabilities.Datagrams);
        var enabled = new QuicTransportParameters { MaxDatagramFrameSize = 1200 };
        await using var pair = await ConnectAsync(enabled, enabled);
        // The peer accepts 1200-byte frames, but on a real path the packet overhead may leave less room for the payload.
        var max = pair.Client.MaxDatagramSize;
        Assert.InRange(max, 1, 1200);
        Assert.True(pair.Client.SendDatagram(Bytes("ping")));
        await pair.ServerEvents.NextAsync<DatagramReceived>();
        Assert.Equal("ping", Text(pair.ServerEvents.Datagrams[0]));
        Assert.True(pair.Client.SendDatagram(new byte[max]));
        await pair.ServerEvents.NextAsync<DatagramReceived>();
        Assert.Equal(max, pair.ServerEvents.Datagrams[1].Length);

        var error = Assert.Throws<QuicTransportException>(() => pair.Client.SendDatagram(new byte[max + 1]));
        Assert.Equal(QuicTransportError.DatagramRejected, error.Error);
        Assert.Contains((max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Datagrams_not_negotiated_are_rejected()
    {
        Require(EngineCapabilities.Datagrams);
        await using var pair = await ConnectAsync(new QuicTransportParameters { MaxDatagramFrameSize = 0 }, new QuicTransportParameters { MaxDatagramFrameSize = 1200 });
        Assert.Equal(0, pair.Client.MaxDatagramSize);
        var error = Assert.Throws<QuicTransportException>(() => pair.Client.SendDatagram(Bytes("x")));
        Assert.Equal(QuicTransportError.DatagramRejected, error.Error);
    }
}
