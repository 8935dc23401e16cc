using System.Net;
using System.Text;
using QuicActors.Conformance.Tests.Harness;
using QuicActors.Conformance.Tests.Interop.Peer;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using QuicActors.Transport.Ngtcp2;

namespace QuicActors.Conformance.Tests.Interop;

/// <summary>
/// Our ngtcp2 engine as the client against quic-go 0.29 as the server (tests/interop/quicgo-peer), over loopback:
/// the engine contract's behaviours with someone else's implementation on the other end. What the server did is read
/// from the peer's EVENT lines.
/// </summary>
public sealed class Ngtcp2ClientToQuicGoServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    // The engine holds no shared resources (listeners and connections own theirs), so one instance serves every test.
    private static readonly Ngtcp2Engine s_engine = new();
    private readonly List<IAsyncDisposable> _cleanup = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--) await _cleanup[i].DisposeAsync();
    }

    private async Task<QuicGoServer> StartServerAsync(string mode, params string[] arguments)
    {
        QuicGoPeer.Require(s_engine.UnavailableReason);
        var server = await QuicGoServer.StartAsync(mode, arguments);
        _cleanup.Add(server);
        return server;
    }

    private static QuicClientOptions ClientOptions(EndPoint server, QuicTransportParameters? transport = null) => new()
    {
        RemoteEndPoint = server,
        ServerName = "localhost",
        ApplicationProtocols = [QuicGoPeer.ApplicationProtocol],
        TrustedCertificates = [QuicGoPeer.Certificate.Certificate],
        Transport = transport ?? new QuicTransportParameters(),
    };

    private async Task<(IQuicEngineConnection Connection, ConnectionEvents Events)> ConnectAsync(QuicClientOptions options)
    {
        var connection = await s_engine.ConnectAsync(options).AsTask().WaitAsync(Wait);
        var events = new ConnectionEvents(connection, Wait);
        _cleanup.Add(events);
        return (connection, events);
    }

    private static byte[] Request(int index)
    {
        var bytes = new byte[64];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)('a' + (i % 26));
        Encoding.ASCII.GetBytes($"stream {index} ").CopyTo(bytes, 0);
        return bytes;
    }

    [SkippableFact]
    public async Task Echo_round_trips_on_several_streams()
    {
        var server = await StartServerAsync("echo");
        var (client, events) = await ConnectAsync(ClientOptions(server.EndPoint));
        Assert.Equal(QuicGoPeer.ApplicationProtocol, client.ApplicationProtocol);
        var ids = new List<QuicStreamId>();
        for (var i = 0; i < 5; i++)
        {
            var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
            await client.WriteAsync(id, Request(i), fin: true);
            ids.Add(id);
        }

        for (var i = 0; i < ids.Count; i++)
        {
            Assert.Equal(Request(i), await events.ReadToEndAsync(ids[i]));
        }

        var eofs = await server.WaitForEventsAsync("stream-eof", 5);
        Assert.All(eofs, e => Assert.Equal(64, e.Long("bytes")));
        Assert.Equal([0, 4, 8, 12, 16], ids.Select(i => i.Value));
    }

    [SkippableFact]
    public async Task Echo_server_returns_credit_so_more_streams_than_its_limit_run()
    {
        var server = await StartServerAsync("echo", "--max-streams", "2");
        var (client, events) = await ConnectAsync(ClientOptions(server.EndPoint));
        for (var i = 0; i < 6; i++)
        {
            var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
            await client.WriteAsync(id, Request(i), fin: true);
            Assert.Equal(Request(i), await events.ReadToEndAsync(id));
            // quic-go grants MAX_STREAMS once it has seen our FIN acknowledged, so wait for our half to end too.
            await events.NextAsync<StreamFinAcknowledged>(a => a.StreamId == id);
            client.ReleaseStream(id);
        }
        await server.WaitForEventsAsync("stream-eof", 6);
    }

    [SkippableFact]
    public async Task Reply_no_eof_server_never_returns_credit_so_the_third_open_waits()
    {
        var server = await StartServerAsync("reply-no-eof", "--max-streams", "2");
        var (client, events) = await ConnectAsync(ClientOptions(server.EndPoint));
        for (var i = 0; i < 2; i++)
        {
            var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
            await client.WriteAsync(id, Request(i), fin: true);
            Assert.Equal(Request(i).AsSpan(0, 32).ToArray(), await events.ReadToEndAsync(id));
        }

        // quic-go never consumed our FIN, so it never completes the stream and never raises MAX_STREAMS.
        using var cancel = new CancellationTokenSource();
        var third = client.OpenStreamAsync(StreamDirection.Bidirectional, cancel.Token).AsTask();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(third.IsCompleted, "the third open must wait for credit quic-go never returns");
        Assert.False(events.Has<StreamCreditGranted>(g => g.Direction == StreamDirection.Bidirectional && g.MaxStreams > 2));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third.WaitAsync(Wait));
    }

    [SkippableFact]
    public async Task Our_writer_blocks_while_quic_go_does_not_read_and_resumes_when_it_does()
    {
        // quic-go grants a fixed 16 KiB stream window and starts reading a stream only a second after accepting it.
        var server = await StartServerAsync("echo", "--stream-window", "16384", "--read-delay", "1s");
        var (client, events) = await ConnectAsync(ClientOptions(server.EndPoint, new QuicTransportParameters { StreamSendBufferSize = 4 * 1024 }));
        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        var payload = new byte[64 * 1024];
        new Random(7).NextBytes(payload);

        var write = client.WriteAsync(id, payload, fin: true).AsTask();
        await Task.Delay(500);
        Assert.False(write.IsCompleted, "64 KiB cannot fit quic-go's 16 KiB window and our 4 KiB send buffer before quic-go reads");
        Assert.Empty(server.EventsNamed("stream-eof"));

        // Once quic-go reads, its MAX_STREAM_DATA updates let the rest through.
        await write.WaitAsync(Wait);
        Assert.Equal(payload, await events.ReadToEndAsync(id));
        var eof = await server.WaitForEventAsync("stream-eof");
        Assert.Equal(payload.Length, eof.Long("bytes"));
    }

    [SkippableFact]
    public async Task Our_unidirectional_streams_are_read_by_quic_go_to_their_fin()
    {
        var server = await StartServerAsync("echo");
        var (client, _) = await ConnectAsync(ClientOptions(server.EndPoint));
        var ids = new List<QuicStreamId>();
        for (var i = 0; i < 3; i++)
        {
            var id = await client.OpenStreamAsync(StreamDirection.Unidirectional).AsTask().WaitAsync(Wait);
            await client.WriteAsync(id, Request(i), fin: true);
            ids.Add(id);
        }

        Assert.Equal([2, 6, 10], ids.Select(i => i.Value));
        var eofs = await server.WaitForEventsAsync("stream-eof", 3);
        Assert.Equal(["10", "2", "6"], eofs.Select(e => e["id"]).Order(StringComparer.Ordinal));
        Assert.All(eofs, e => Assert.Equal(64, e.Long("bytes")));
    }

    [SkippableFact]
    public async Task Server_stop_sending_reaches_us_with_its_code_and_its_fin_follows()
    {
        var server = await StartServerAsync("stop-sending", "--code", "7");
        var (client, events) = await ConnectAsync(ClientOptions(server.EndPoint));
        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await client.WriteAsync(id, Request(0), fin: false);

        var stop = await events.NextAsync<PeerStopSending>(s => s.StreamId == id);
        Assert.Equal(7, stop.ApplicationErrorCode);
        Assert.Empty(await events.ReadToEndAsync(id));
        var failed = await Assert.ThrowsAsync<QuicTransportException>(() => client.WriteAsync(id, Request(1), fin: true).AsTask().WaitAsync(Wait));
        Assert.True(failed.Error is QuicTransportError.StreamAborted or QuicTransportError.StreamDirectionClosed, failed.ToString());
        await server.WaitForEventAsync("stop-sending-sent", e => e.Has("code", "7"));
    }

    [SkippableFact]
    public async Task Our_stop_sending_reaches_quic_go_which_answers_with_reset_carrying_the_code()
    {
        var server = await StartServerAsync("echo");
        var (client, events) = await ConnectAsync(ClientOptions(server.EndPoint));
        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await client.WriteAsync(id, Request(0), fin: false);
        Assert.True(client.StopSending(id, 11));
        // The FIN lets quic-go's echo write, which then fails on our STOP_SENDING.
        await client.WriteAsync(id, ReadOnlyMemory<byte>.Empty, fin: true);

        var reset = await events.NextAsync<PeerResetStream>(r => r.StreamId == id);
        Assert.Equal(11, reset.ApplicationErrorCode);
        await server.WaitForEventAsync("stop-sending-received", e => e.Has("code", "11"));
    }

    [SkippableFact]
    public async Task Server_reset_reaches_us_with_its_code_after_the_bytes_before_it()
    {
        var server = await StartServerAsync("reset", "--code", "42");
        var (client, events) = await ConnectAsync(ClientOptions(server.EndPoint));
        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await client.WriteAsync(id, Request(0), fin: true);

        var reset = await events.NextAsync<PeerResetStream>(r => r.StreamId == id);
        Assert.Equal(42, reset.ApplicationErrorCode);
        // quic-go's final size counts what it had sent of the 32 bytes it wrote before CancelWrite: anywhere up to 32.
        Assert.InRange(reset.FinalSize, 0, 32);
        Assert.InRange(events.BytesReceived(id), 0, reset.FinalSize);
        await server.WaitForEventAsync("reset-sent", e => e.Has("code", "42"));
    }

    [SkippableFact]
    public async Task Our_reset_reaches_quic_go_with_its_code()
    {
        var server = await StartServerAsync("echo");
        var (client, events) = await ConnectAsync(ClientOptions(server.EndPoint));
        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await client.WriteAsync(id, Request(0).AsMemory(0, 32), fin: false);
        Assert.True(client.ResetStream(id, 13));

        await server.WaitForEventAsync("reset-received", e => e.Has("code", "13"));
        // The echo server answers a reset with an empty FIN.
        Assert.Empty(await events.ReadToEndAsync(id));
    }

    [SkippableFact]
    public async Task Datagrams_flow_both_ways()
    {
        var server = await StartServerAsync("datagrams");
        var (client, events) = await ConnectAsync(ClientOptions(server.EndPoint, new QuicTransportParameters { MaxDatagramFrameSize = 1200 }));
        Assert.True(client.MaxDatagramSize >= 100, $"MaxDatagramSize = {client.MaxDatagramSize}");
        var sent = new List<byte[]>();
        for (var i = 0; i < 10; i++)
        {
            var payload = Encoding.ASCII.GetBytes($"datagram {i}").Concat(new byte[90]).ToArray();
            client.SendDatagram(payload);
            sent.Add(payload);
            await Task.Delay(5);
        }

        // Unreliable by design, but nothing is lost on an idle loopback: require most of them, both ways.
        await server.WaitForEventsAsync("datagram-received", 8);
        var deadline = DateTime.UtcNow + Wait;
        while (events.Datagrams.Count < 8 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(events.Datagrams.Count >= 8, $"only {events.Datagrams.Count} echoes came back");
        lock (events.Datagrams)
        {
            Assert.All(events.Datagrams, d => Assert.Contains(sent, s => s.AsSpan().SequenceEqual(d)));
        }
    }

    [SkippableFact]
    public async Task Datagrams_to_a_server_that_did_not_enable_them_are_rejected()
    {
        var server = await StartServerAsync("echo");
        var (client, _) = await ConnectAsync(ClientOptions(server.EndPoint, new QuicTransportParameters { MaxDatagramFrameSize = 1200 }));
        Assert.Equal(0, client.MaxDatagramSize);
        var e = Assert.Throws<QuicTransportException>(() => client.SendDatagram(new byte[10]));
        Assert.Equal(QuicTransportError.DatagramRejected, e.Error);
    }

    /// <summary>One full connection to get a ticket, then the resumed connect through a relay that delays the server.</summary>
    private async Task<(IQuicEngineConnection Connection, ConnectionEvents Events, QuicResumptionTicket Ticket)> ResumeAsync(QuicGoServer server, Func<QuicResumptionTicket, QuicResumptionTicket>? alter = null)
    {
        QuicResumptionTicket ticket;
        {
            var first = await s_engine.ConnectAsync(ClientOptions(server.EndPoint)).AsTask().WaitAsync(Wait);
            await using var firstEvents = new ConnectionEvents(first, Wait);
            ticket = (await firstEvents.NextAsync<ResumptionTicketReceived>()).Ticket;
        }
        ticket = alter?.Invoke(ticket) ?? ticket;
        // On bare loopback the handshake would finish before we act; 50 ms each way back puts our stream in 0-RTT.
        var relay = new DelayingUdpRelay(server.EndPoint, TimeSpan.FromMilliseconds(50));
        _cleanup.Add(relay);
        var options = ClientOptions(relay.EndPoint) with { ResumptionTicket = ticket, EnableEarlyData = true };
        var (connection, events) = await ConnectAsync(options);
        return (connection, events, ticket);
    }

    [SkippableFact]
    public async Task Zero_rtt_accepted_by_quic_go_carries_our_early_stream()
    {
        var server = await StartServerAsync("echo", "--early");
        var (client, events, _) = await ResumeAsync(server);
        Assert.Null(client.ApplicationProtocol); // still in 0-RTT
        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await client.WriteAsync(id, "early bird"u8.ToArray(), fin: true);

        Assert.True((await events.NextAsync<HandshakeCompleted>()).EarlyDataAccepted);
        Assert.Equal("early bird", Encoding.ASCII.GetString(await events.ReadToEndAsync(id)));
        Assert.False(events.Has<EarlyDataRejected>());
        await server.WaitForEventAsync("handshake-complete", e => e.Has("used0rtt", "true"));
    }

    [SkippableFact]
    public async Task Zero_rtt_rejected_by_quic_go_with_new_ticket_keys_surfaces_as_early_data_rejected()
    {
        var server = await StartServerAsync("echo", "--reject-early");
        var (client, events, _) = await ResumeAsync(server);
        var early = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await client.WriteAsync(early, "lost"u8.ToArray(), fin: true);

        var rejected = await events.NextAsync<EarlyDataRejected>();
        Assert.Equal([early], rejected.DiscardedStreams);
        Assert.False((await events.NextAsync<HandshakeCompleted>()).EarlyDataAccepted);
        var again = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        Assert.Equal(0, again.Value);
        await client.WriteAsync(again, "1-rtt"u8.ToArray(), fin: true);
        Assert.Equal("1-rtt", Encoding.ASCII.GetString(await events.ReadToEndAsync(again)));

        await server.WaitForEventAsync("handshake-complete", e => e.Has("used0rtt", "false"));
        var eof = await server.WaitForEventAsync("stream-eof");
        Assert.Equal(5, eof.Long("bytes"));
        Assert.DoesNotContain(server.EventsNamed("stream-eof"), e => e.Long("bytes") == 4);
    }

    [SkippableFact]
    public async Task A_ticket_from_a_quic_go_server_not_listening_early_is_not_used_for_early_data()
    {
        var server = await StartServerAsync("echo");
        var (client, events, ticket) = await ResumeAsync(server);
        // ConnectAsync waited for the full handshake: the ticket said the server takes no early data, so none was offered.
        Assert.Equal(QuicGoPeer.ApplicationProtocol, client.ApplicationProtocol);
        Assert.False((await events.NextAsync<HandshakeCompleted>()).EarlyDataAccepted);
        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await client.WriteAsync(id, "resumed"u8.ToArray(), fin: true);
        Assert.Equal("resumed", Encoding.ASCII.GetString(await events.ReadToEndAsync(id)));
        Assert.DoesNotContain(server.EventsNamed("conn-closed"), e => e["code"].StartsWith("transport:", StringComparison.Ordinal));
    }

    /// <summary>
    /// GnuTLS offers early data on any ticket; quic-go aborts such a handshake with CRYPTO_ERROR 0x16e (TLS alert 110)
    /// when the ticket never granted early data (tests/interop/README.md). The engine avoids the offer (the ticket
    /// remembers whether the server allowed 0-RTT); here the ticket is altered to claim it did, as a GnuTLS-only client
    /// would behave, and the abort must surface as a clear, explained close rather than a bare code.
    /// </summary>
    [SkippableFact]
    public async Task Forced_early_data_on_a_ticket_without_it_is_aborted_by_quic_go_and_surfaces_as_an_explained_close()
    {
        var server = await StartServerAsync("echo");
        var (client, events, _) = await ResumeAsync(server, ClaimEarlyData);
        Assert.Null(client.ApplicationProtocol); // the engine believed the ticket and started in 0-RTT

        var closed = await events.NextAsync<ConnectionClosed>();
        Assert.Equal(ConnectionCloseInitiator.Peer, closed.Close.Initiator);
        Assert.False(closed.Close.IsApplicationError);
        Assert.Equal(0x16e, closed.Close.ErrorCode);
        Assert.Contains("early data", closed.Close.Reason, StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<QuicTransportException>(() => client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait));
        Assert.Equal(QuicTransportError.ConnectionClosed, e.Error);
        Assert.Contains("early data", e.Message, StringComparison.Ordinal);
        await server.WaitForEventAsync("conn-closed", c => c.Has("code", "transport:366"));

        // Without early data the same ticket resumes fine: the fallback the message asks for works.
        var (again, againEvents) = await ConnectAsync(ClientOptions(server.EndPoint));
        var id = await again.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await again.WriteAsync(id, "after"u8.ToArray(), fin: true);
        Assert.Equal("after", Encoding.ASCII.GetString(await againEvents.ReadToEndAsync(id)));
    }

    /// <summary>Sets the engine's "server allows 0-RTT" byte in an ngtcp2 ticket ([int32 length][session][flag][parameters]).</summary>
    private static QuicResumptionTicket ClaimEarlyData(QuicResumptionTicket ticket)
    {
        var data = ticket.Data.ToArray();
        var sessionLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(data);
        Assert.Equal(0, data[4 + sessionLength]);
        data[4 + sessionLength] = 1;
        return ticket with { Data = data };
    }
}
