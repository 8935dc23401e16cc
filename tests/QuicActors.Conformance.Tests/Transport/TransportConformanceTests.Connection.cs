using QuicActors.Conformance.Tests.Harness;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Conformance.Tests.Transport;

/// <summary>Handshake, close (RFC 9000 §10.2), idle timeout (§10.1), and use after close.</summary>
public abstract partial class TransportConformanceTests
{
    [SkippableFact]
    public async Task Handshake_reports_the_negotiated_alpn()
    {
        RequireEngine();
        await using var pair = await ConnectAsync();
        var completed = await pair.ClientEvents.NextAsync<HandshakeCompleted>();
        Assert.Equal(Harness.ApplicationProtocol, completed.ApplicationProtocol);
        Assert.Equal(Harness.ApplicationProtocol, pair.Client.ApplicationProtocol);
        Assert.Equal(Harness.ApplicationProtocol, (await pair.ServerEvents.NextAsync<HandshakeCompleted>()).ApplicationProtocol);
    }

    [SkippableFact]
    public async Task Alpn_mismatch_fails_the_connect_naming_both_lists()
    {
        RequireEngine();
        await using var listener = await Harness.ServerEngine.ListenAsync(Harness.CreateListenerOptions(new QuicTransportParameters(), applicationProtocols: ["h3", "srv-only"]));
        var options = Harness.CreateClientOptions(listener.LocalEndPoint, new QuicTransportParameters(), ["client-a", "client-b"]);
        var error = await Assert.ThrowsAsync<QuicTransportException>(() => Within(Harness.ClientEngine.ConnectAsync(options).AsTask()));
        Assert.Equal(QuicTransportError.HandshakeFailed, error.Error);
        Assert.Contains("client-b", error.Message, StringComparison.Ordinal);
        if (Harness.Deviations.HasFlag(EngineDeviations.AlpnServerListUnknownToClient))
            Assert.Contains("no_application_protocol", error.Message, StringComparison.Ordinal);
        else
            Assert.Contains("srv-only", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Close_code_and_reason_reach_the_peer()
    {
        RequireEngine();
        await using var pair = await ConnectAsync();
        await pair.Client.CloseAsync(12345, "bye now");
        var atServer = await Within(pair.Server.Closed);
        Assert.Equal(ConnectionCloseInitiator.Peer, atServer.Initiator);
        Assert.True(atServer.IsApplicationError);
        Assert.Equal(12345, atServer.ErrorCode);
        Assert.Equal(Harness.Deviations.HasFlag(EngineDeviations.NoCloseReasonPhrase) ? "" : "bye now", atServer.Reason);
        var atClient = await Within(pair.Client.Closed);
        Assert.Equal(ConnectionCloseInitiator.Local, atClient.Initiator);
        Assert.Equal(12345, (await pair.ServerEvents.NextAsync<ConnectionClosed>()).Close.ErrorCode);
        await pair.Client.CloseAsync(1); // idempotent
    }

    [SkippableFact]
    public async Task Commands_after_close_fail_with_connection_closed()
    {
        RequireEngine();
        await using var pair = await ConnectAsync();
        var id = await Within(pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        await pair.Server.CloseAsync(9, "done");
        await Within(pair.Client.Closed);

        static void AssertClosed(QuicTransportException e) => Assert.Equal(QuicTransportError.ConnectionClosed, e.Error);
        AssertClosed(await Assert.ThrowsAsync<QuicTransportException>(() => pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask()));
        AssertClosed(await Assert.ThrowsAsync<QuicTransportException>(() => pair.Client.WriteAsync(id, Bytes("x"), fin: false).AsTask()));
        AssertClosed(Assert.Throws<QuicTransportException>(() => pair.Client.ResetStream(id, 1)));
        AssertClosed(Assert.Throws<QuicTransportException>(() => pair.Client.StopSending(id, 1)));
        AssertClosed(Assert.Throws<QuicTransportException>(() => pair.Client.Consume(id, 0)));
        AssertClosed(Assert.Throws<QuicTransportException>(() => pair.Client.ReleaseStream(id)));
        var closed = Assert.Throws<QuicTransportException>(() => pair.Client.TryOpenStream(StreamDirection.Bidirectional, out _));
        Assert.Equal(9, closed.Close!.ErrorCode);
    }

    [SkippableFact]
    public async Task A_pending_open_fails_when_the_connection_closes()
    {
        RequireEngine();
        await using var pair = await ConnectAsync(server: new QuicTransportParameters { MaxInboundBidirectionalStreams = 0 });
        var open = pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask();
        await AssertStillPendingAsync(open, "an open with no credit");
        await pair.Client.CloseAsync(3);
        var error = await Assert.ThrowsAsync<QuicTransportException>(() => Within(open));
        Assert.Equal(QuicTransportError.ConnectionClosed, error.Error);
    }

    [SkippableFact]
    public async Task Idle_timeout_closes_both_ends()
    {
        RequireEngine();
        var idle = new QuicTransportParameters { IdleTimeout = TimeSpan.FromSeconds(2) };
        await using var pair = await ConnectAsync(idle, idle);
        await Harness.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.False(pair.Client.Closed.IsCompleted);
        await Harness.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(ConnectionCloseInitiator.IdleTimeout, (await Within(pair.Client.Closed)).Initiator);
        Assert.Equal(ConnectionCloseInitiator.IdleTimeout, (await Within(pair.Server.Closed)).Initiator);
    }
}
