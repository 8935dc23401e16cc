using System.Net;
using QuicActors.Transport.Events;
using QuicActors.Transport.InMemory;

namespace QuicActors.Transport.Tests.InMemory;

public sealed class ProtocolViolationTests
{
    private static FaultPlan ClientMisbehavesAt(TimeSpan at, FaultAction action) =>
        new() { Injections = [new FaultInjection(new FaultTrigger.AtTime(at), action, Actor: QuicConnectionRole.Client)] };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Data_past_the_final_size_closes_with_final_size_error(bool finSentFirst)
    {
        var stream0 = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, 0);
        await using var pair = await InMemoryTestPair.CreateAsync(plan: ClientMisbehavesAt(TimeSpan.FromSeconds(1), new FaultAction.ChangeFinalSize(stream0)));
        var id = await pair.Client.OpenStreamAsync(StreamDirection.Bidirectional);
        await pair.Client.WriteAsync(id, new byte[3], fin: finSentFirst);
        Assert.False(pair.Server.Closed.IsCompleted);

        pair.Time.Advance(TimeSpan.FromSeconds(1));
        var atServer = await pair.Server.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ConnectionCloseInitiator.Transport, atServer.Initiator);
        Assert.Equal((long)TransportErrorCode.FinalSizeError, atServer.ErrorCode);
        var atClient = await pair.Client.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ConnectionCloseInitiator.Peer, atClient.Initiator);
        Assert.False(atClient.IsApplicationError);
        Assert.Equal((long)TransportErrorCode.FinalSizeError, atClient.ErrorCode);
    }

    [Theory]
    [InlineData(StreamDirection.Bidirectional)]
    [InlineData(StreamDirection.Unidirectional)]
    public async Task Opening_beyond_the_stream_limit_closes_with_stream_limit_error(StreamDirection direction)
    {
        var limits = new QuicTransportParameters { MaxInboundBidirectionalStreams = 2, MaxInboundUnidirectionalStreams = 2 };
        await using var pair = await InMemoryTestPair.CreateAsync(plan: ClientMisbehavesAt(TimeSpan.FromSeconds(1), new FaultAction.ExceedStreamLimit(direction)), server: limits);
        for (var i = 0; i < 2; i++) await pair.Client.WriteAsync(await pair.Client.OpenStreamAsync(direction), new byte[1], fin: true);
        Assert.False(pair.Client.TryOpenStream(direction, out _)); // the well-behaved path waits for credit

        pair.Time.Advance(TimeSpan.FromSeconds(1));
        var atServer = await pair.Server.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((long)TransportErrorCode.StreamLimitError, atServer.ErrorCode);
        Assert.Contains("limit of 2", atServer.Reason, StringComparison.Ordinal);
        Assert.Equal((long)TransportErrorCode.StreamLimitError, (await pair.Client.Closed.WaitAsync(TimeSpan.FromSeconds(10))).ErrorCode);
        Assert.Equal(2, pair.Drain().OfType<PeerStreamOpened>().Count());
    }

    [Fact]
    public async Task Alpn_mismatch_names_both_lists_and_hands_out_no_connection()
    {
        var engine = new InMemoryQuicEngine(new InMemoryEngineOptions { Network = new InMemoryNetwork() });
        await using var _ = engine;
        await using var listener = await engine.ListenAsync(new QuicListenerOptions { ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0), ApplicationProtocols = ["h3", "hq-29"] });
        var error = await Assert.ThrowsAsync<QuicTransportException>(() =>
            engine.ConnectAsync(new QuicClientOptions { RemoteEndPoint = listener.LocalEndPoint, ApplicationProtocols = ["smtp-over-quic", "doq"] }).AsTask());
        Assert.Equal(QuicTransportError.HandshakeFailed, error.Error);
        Assert.Contains("[smtp-over-quic, doq]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[h3, hq-29]", error.Message, StringComparison.Ordinal);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listener.AcceptConnectionAsync(cancel.Token).AsTask());
    }

    [Fact]
    public async Task Nothing_listening_refuses_the_connection()
    {
        await using var engine = new InMemoryQuicEngine(new InMemoryEngineOptions { Network = new InMemoryNetwork() });
        var error = await Assert.ThrowsAsync<QuicTransportException>(() =>
            engine.ConnectAsync(new QuicClientOptions { RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 4433), ApplicationProtocols = ["x"] }).AsTask());
        Assert.Equal(QuicTransportError.ConnectionRefused, error.Error);
        Assert.Contains("127.0.0.1:4433", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binding_a_bound_address_fails_with_address_in_use()
    {
        await using var engine = new InMemoryQuicEngine(new InMemoryEngineOptions { Network = new InMemoryNetwork() });
        await using var first = await engine.ListenAsync(new QuicListenerOptions { ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0), ApplicationProtocols = ["x"] });
        var error = await Assert.ThrowsAsync<QuicTransportException>(() =>
            engine.ListenAsync(new QuicListenerOptions { ListenEndPoint = first.LocalEndPoint, ApplicationProtocols = ["x"] }).AsTask());
        Assert.Equal(QuicTransportError.AddressInUse, error.Error);
        Assert.NotEqual(0, ((IPEndPoint)first.LocalEndPoint).Port);
    }
}
