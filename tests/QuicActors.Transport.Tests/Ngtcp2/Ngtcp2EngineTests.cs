using System.Net;
using System.Text;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using static QuicActors.Transport.Tests.Ngtcp2.Ngtcp2TestContext;

namespace QuicActors.Transport.Tests.Ngtcp2;

public sealed class Ngtcp2EngineTests
{
    [SkippableFact]
    public async Task Handshake_echo_with_fin_and_close_with_code_and_reason()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener());
        var acceptTask = listener.AcceptConnectionAsync().AsTask();
        await using var client = await engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        await using var server = await acceptTask.WaitAsync(Wait);

        Assert.Equal(Alpn, client.ApplicationProtocol);
        var handshake = await NextAsync<HandshakeCompleted>(client);
        Assert.False(handshake.EarlyDataAccepted);

        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        Assert.Equal(0, id.Value);
        var payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("hello over ngtcp2 ", 5000)));
        await client.WriteAsync(id, payload, fin: true).AsTask().WaitAsync(Wait);

        var opened = await NextAsync<PeerStreamOpened>(server);
        Assert.Equal(id, opened.StreamId);
        var received = await ReadToEndAsync(server, id);
        Assert.Equal(payload, received);
        await server.WriteAsync(id, received, fin: true).AsTask().WaitAsync(Wait);

        var echoed = await ReadToEndAsync(client, id);
        Assert.Equal(payload, echoed);
        await NextAsync<StreamFinAcknowledged>(server, e => e.StreamId == id);

        await client.CloseAsync(42, "bye").AsTask().WaitAsync(Wait);
        var closed = await NextAsync<ConnectionClosed>(server);
        Assert.Equal(ConnectionCloseInitiator.Peer, closed.Close.Initiator);
        Assert.True(closed.Close.IsApplicationError);
        Assert.Equal(42, closed.Close.ErrorCode);
        Assert.Equal("bye", closed.Close.Reason);
        Assert.Equal(ConnectionCloseInitiator.Local, (await client.Closed.WaitAsync(Wait)).Initiator);
        var ex = Assert.Throws<QuicTransportException>(() => { client.TryOpenStream(StreamDirection.Bidirectional, out _); });
        Assert.Equal(QuicTransportError.ConnectionClosed, ex.Error);
    }

    [SkippableFact]
    public async Task Untrusted_certificate_fails_the_connect_with_HandshakeFailed()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener());
        var options = Client(listener.LocalEndPoint) with { TrustedCertificates = [TestCertificates.CreateSelfSigned()] };
        var ex = await Assert.ThrowsAsync<QuicTransportException>(() => engine.ConnectAsync(options).AsTask().WaitAsync(Wait));
        Assert.Equal(QuicTransportError.HandshakeFailed, ex.Error);
        Assert.Contains("localhost", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task No_common_ALPN_fails_the_connect_with_HandshakeFailed()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener());
        var ex = await Assert.ThrowsAsync<QuicTransportException>(() => engine.ConnectAsync(Client(listener.LocalEndPoint, alpn: "other")).AsTask().WaitAsync(Wait));
        Assert.Equal(QuicTransportError.HandshakeFailed, ex.Error);
        Assert.Contains("no_application_protocol", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Nothing_listening_fails_the_connect_with_ConnectionRefused()
    {
        await using var engine = EngineOrSkip();
        var options = Client(new IPEndPoint(IPAddress.Loopback, 9)) with { HandshakeTimeout = TimeSpan.FromSeconds(1) };
        var ex = await Assert.ThrowsAsync<QuicTransportException>(() => engine.ConnectAsync(options).AsTask().WaitAsync(Wait));
        Assert.Equal(QuicTransportError.ConnectionRefused, ex.Error);
    }
}

/// <summary>Bulk transfer through the send buffer's backpressure (writes larger than the 64 KiB stream buffer wait).</summary>
public sealed class Ngtcp2BulkTests
{
    [SkippableFact]
    public async Task Eight_megabytes_cross_in_order_with_write_backpressure()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener());
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var client = await engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        await using var server = await accept.WaitAsync(Wait);

        var id = await client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        var payload = new byte[8 * 1024 * 1024];
        new Random(8).NextBytes(payload);
        var reader = ReadToEndAsync(server, id);
        for (var offset = 0; offset < payload.Length; offset += 32 * 1024)
        {
            var last = offset + 32 * 1024 >= payload.Length;
            await client.WriteAsync(id, payload.AsMemory(offset, Math.Min(32 * 1024, payload.Length - offset)), last).AsTask().WaitAsync(Wait);
        }
        Assert.Equal(payload, await reader.WaitAsync(TimeSpan.FromSeconds(30)));
        await NextAsync<StreamFinAcknowledged>(client, e => e.StreamId == id);
    }
}
