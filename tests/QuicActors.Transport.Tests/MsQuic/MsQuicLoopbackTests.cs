using System.Net;
using System.Net.Quic;
using System.Security.Cryptography.X509Certificates;
using QuicActors.TestKit;
using QuicActors.Transport.Events;
using QuicActors.Transport.MsQuic;

namespace QuicActors.Transport.Tests.MsQuic;

/// <summary>
/// The msquic engine over real UDP on the loopback interface. These need libmsquic; where System.Net.Quic reports it
/// unsupported they are skipped with the reason printed.
/// </summary>
public sealed class MsQuicLoopbackTests : IAsyncDisposable
{
    private const string NeedsLibMsQuic = "System.Net.Quic reports IsSupported == false: libmsquic is not installed on this machine";
    private const string Alpn = "quic-actors-test";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly MsQuicEngine _engine = new();
    private readonly X509Certificate2 _certificate = TestCertificates.CreateSelfSigned();
    private IQuicEngineListener? _listener;
    private IQuicEngineConnection? _client;
    private IQuicEngineConnection? _server;

    private async Task<(IQuicEngineConnection Client, IQuicEngineConnection Server)> ConnectAsync(QuicTransportParameters? server = null, QuicTransportParameters? client = null)
    {
        Skip.IfNot(_engine.IsAvailable, NeedsLibMsQuic);
        _listener = await _engine.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = [Alpn],
            ServerCertificate = _certificate,
            Transport = server ?? new QuicTransportParameters(),
        });
        var accept = _listener.AcceptConnectionAsync().AsTask();
        _client = await _engine.ConnectAsync(new QuicClientOptions
        {
            RemoteEndPoint = _listener.LocalEndPoint,
            ServerName = "localhost",
            ApplicationProtocols = [Alpn],
            TrustedCertificates = [_certificate],
            Transport = client ?? new QuicTransportParameters(),
        });
        _server = await accept.WaitAsync(Timeout);
        return (_client, _server);
    }

    private static async Task<T> NextAsync<T>(IQuicEngineConnection connection, Func<T, bool>? match = null) where T : EngineEvent
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            var e = await connection.Events.ReadAsync(cts.Token);
            if (e is T t && (match is null || match(t))) return t;
            (e as IDisposable)?.Dispose();
        }
    }

    private static async Task<byte[]> ReadToEndAsync(IQuicEngineConnection connection, QuicStreamId streamId)
    {
        var bytes = new List<byte>();
        while (true)
        {
            using var data = await NextAsync<StreamDataReceived>(connection, d => d.StreamId == streamId);
            bytes.AddRange(data.Data.ToArray());
            connection.Consume(streamId, data.Length);
            if (data.IsFin) return [.. bytes];
        }
    }

    [SkippableFact]
    public async Task Handshake_reports_ALPN_first_and_the_peer_stream_limits_as_credit()
    {
        var (client, server) = await ConnectAsync(server: new QuicTransportParameters { MaxInboundBidirectionalStreams = 5, MaxInboundUnidirectionalStreams = 2 });
        var first = await client.Events.ReadAsync();
        var handshake = Assert.IsType<HandshakeCompleted>(first);
        Assert.Equal(Alpn, handshake.ApplicationProtocol);
        Assert.False(handshake.EarlyDataAccepted);
        Assert.IsType<HandshakeCompleted>(await server.Events.ReadAsync());
        var credit = await NextAsync<StreamCreditGranted>(client, c => c.Direction == StreamDirection.Bidirectional);
        Assert.Equal(5, credit.MaxStreams);
        Assert.Equal(QuicConnectionRole.Client, client.Role);
        Assert.Equal(QuicConnectionRole.Server, server.Role);
        Assert.Equal(0, client.MaxDatagramSize);
    }

    [SkippableFact]
    public async Task Echo_with_fin_both_ways_and_fin_acknowledgement()
    {
        var (client, server) = await ConnectAsync();
        var stream = await client.OpenStreamAsync(StreamDirection.Bidirectional);
        Assert.Equal(0, stream.Value);
        await client.WriteAsync(stream, "ping"u8.ToArray(), fin: true);

        var opened = await NextAsync<PeerStreamOpened>(server);
        Assert.Equal(stream, opened.StreamId);
        Assert.Equal("ping"u8.ToArray(), await ReadToEndAsync(server, stream));
        await server.WriteAsync(stream, "pong"u8.ToArray(), fin: true);

        Assert.Equal("pong"u8.ToArray(), await ReadToEndAsync(client, stream));
        await NextAsync<StreamFinAcknowledged>(client, e => e.StreamId == stream);
        await NextAsync<StreamFinAcknowledged>(server, e => e.StreamId == stream);
        server.ReleaseStream(stream);
        client.ReleaseStream(stream);
        Assert.Throws<QuicTransportException>(() => client.ReleaseStream(stream));
    }

    [SkippableFact]
    public async Task Reset_reaches_the_peer_with_its_code()
    {
        var (client, server) = await ConnectAsync();
        var stream = await client.OpenStreamAsync(StreamDirection.Bidirectional);
        await client.WriteAsync(stream, new byte[] { 1 }, fin: false);
        await NextAsync<PeerStreamOpened>(server);
        Assert.True(client.ResetStream(stream, 7));
        Assert.False(client.ResetStream(stream, 8));
        await NextAsync<StreamResetAcknowledged>(client, e => e.StreamId == stream);
        var reset = await NextAsync<PeerResetStream>(server, e => e.StreamId == stream);
        Assert.Equal(7, reset.ApplicationErrorCode);
        var write = await Assert.ThrowsAsync<QuicTransportException>(() => client.WriteAsync(stream, new byte[] { 2 }, false).AsTask());
        Assert.Equal(QuicTransportError.StreamAborted, write.Error);
        Assert.Equal(7, write.ApplicationErrorCode);
    }

    [SkippableFact]
    public async Task Stop_sending_reaches_the_peer_and_fails_its_writes()
    {
        var (client, server) = await ConnectAsync();
        var stream = await client.OpenStreamAsync(StreamDirection.Bidirectional);
        await client.WriteAsync(stream, new byte[] { 1 }, fin: false);
        await NextAsync<PeerStreamOpened>(server);
        Assert.True(server.StopSending(stream, 9));
        Assert.False(server.StopSending(stream, 9));
        var stop = await NextAsync<PeerStopSending>(client, e => e.StreamId == stream);
        Assert.Equal(9, stop.ApplicationErrorCode);
        await NextAsync<StreamResetAcknowledged>(client, e => e.StreamId == stream);
        var write = await Assert.ThrowsAsync<QuicTransportException>(() => client.WriteAsync(stream, new byte[] { 2 }, false).AsTask());
        Assert.Equal(9, write.ApplicationErrorCode);
    }

    [SkippableFact]
    public async Task The_open_beyond_the_limit_waits_and_proceeds_when_one_slot_is_released()
    {
        var (client, server) = await ConnectAsync(server: new QuicTransportParameters { MaxInboundBidirectionalStreams = 2 });
        await NextAsync<StreamCreditGranted>(client, c => c.Direction == StreamDirection.Bidirectional && c.MaxStreams == 2);
        var a = await client.OpenStreamAsync(StreamDirection.Bidirectional);
        var b = await client.OpenStreamAsync(StreamDirection.Bidirectional);
        Assert.False(client.TryOpenStream(StreamDirection.Bidirectional, out _));
        var third = client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask();

        using (var cancelled = new CancellationTokenSource())
        {
            var abandoned = client.OpenStreamAsync(StreamDirection.Bidirectional, cancelled.Token).AsTask();
            cancelled.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        }

        foreach (var s in new[] { a, b }) await client.WriteAsync(s, new byte[] { 1 }, fin: true);
        await NextAsync<PeerStreamOpened>(server, e => e.StreamId == a);
        await ReadToEndAsync(server, a);
        await server.WriteAsync(a, ReadOnlyMemory<byte>.Empty, fin: true);
        await NextAsync<StreamFinAcknowledged>(server, e => e.StreamId == a);
        await Task.Delay(200);
        Assert.False(third.IsCompleted);

        server.ReleaseStream(a);
        var opened = await third.WaitAsync(Timeout);
        Assert.Equal(QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, 2), opened);
    }

    [SkippableFact]
    public async Task The_reader_holds_the_writer_back_until_it_consumes()
    {
        var window = 64 * 1024;
        var (client, server) = await ConnectAsync(server: new QuicTransportParameters { StreamReceiveWindow = window, ConnectionReceiveWindow = 4 * window });
        var stream = await client.OpenStreamAsync(StreamDirection.Bidirectional);
        var payload = new byte[64 * window];
        var write = client.WriteAsync(stream, payload, fin: true).AsTask();
        await NextAsync<PeerStreamOpened>(server);

        long delivered = 0;
        using (var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            try
            {
                while (true)
                {
                    var e = await server.Events.ReadAsync(quiet.Token);
                    if (e is StreamDataReceived d)
                    {
                        delivered += d.Length;
                        d.Dispose();
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Nothing more arrives while nothing is consumed.
            }
        }
        Assert.InRange(delivered, 1, window);
        Assert.False(write.IsCompleted);

        server.Consume(stream, (int)delivered);
        var rest = await ReadToEndAsync(server, stream);
        Assert.Equal(payload.Length, delivered + rest.Length);
        await write.WaitAsync(Timeout);
    }

    [SkippableFact]
    public async Task Close_code_reaches_the_peer_and_commands_after_close_fail()
    {
        var (client, server) = await ConnectAsync();
        await client.CloseAsync(42, "bye");
        var local = await client.Closed.WaitAsync(Timeout);
        Assert.Equal(ConnectionCloseInitiator.Local, local.Initiator);
        Assert.Equal(42, local.ErrorCode);

        var closed = await NextAsync<ConnectionClosed>(server);
        Assert.Equal(ConnectionCloseInitiator.Peer, closed.Close.Initiator);
        Assert.True(closed.Close.IsApplicationError);
        Assert.Equal(42, closed.Close.ErrorCode);
        Assert.False(await server.Events.WaitToReadAsync());

        var ex = await Assert.ThrowsAsync<QuicTransportException>(() => client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        Assert.Equal(QuicTransportError.ConnectionClosed, ex.Error);
        await client.CloseAsync(43);
    }

    [SkippableFact]
    public async Task Idle_timeout_closes_both_ends()
    {
        var idle = new QuicTransportParameters { IdleTimeout = TimeSpan.FromMilliseconds(500) };
        var (client, server) = await ConnectAsync(server: idle, client: idle);
        var close = await client.Closed.WaitAsync(Timeout);
        Assert.Equal(ConnectionCloseInitiator.IdleTimeout, close.Initiator);
        Assert.Equal(ConnectionCloseInitiator.IdleTimeout, (await server.Closed.WaitAsync(Timeout)).Initiator);
    }

    [SkippableFact]
    public async Task Bad_arguments_give_the_documented_exceptions()
    {
        var (client, _) = await ConnectAsync();
        var unknown = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, 40);
        Assert.Equal(QuicTransportError.StreamNotFound, Assert.Throws<QuicTransportException>(() => client.ResetStream(unknown, 1)).Error);
        Assert.Equal(QuicTransportError.StreamNotFound, Assert.Throws<QuicTransportException>(() => client.Consume(unknown, 1)).Error);
        var stream = await client.OpenStreamAsync(StreamDirection.Unidirectional);
        Assert.Throws<ArgumentOutOfRangeException>(() => client.ResetStream(stream, 1L << 62));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.StopSending(stream, -1));
        Assert.Equal(QuicTransportError.StreamDirectionClosed, Assert.Throws<QuicTransportException>(() => client.StopSending(stream, 1)).Error);
        await client.WriteAsync(stream, new byte[] { 1 }, fin: true);
        Assert.Equal(QuicTransportError.StreamDirectionClosed, (await Assert.ThrowsAsync<QuicTransportException>(() => client.WriteAsync(stream, new byte[] { 2 }, false).AsTask())).Error);
        Assert.Equal(QuicTransportError.NotSupported, Assert.Throws<QuicTransportException>(() => client.SendDatagram(new byte[] { 1 })).Error);
    }

    [SkippableFact]
    public async Task A_mismatched_ALPN_fails_the_handshake()
    {
        Skip.IfNot(_engine.IsAvailable, NeedsLibMsQuic);
        _listener = await _engine.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = ["other"],
            ServerCertificate = _certificate,
        });
        var ex = await Assert.ThrowsAsync<QuicTransportException>(() => _engine.ConnectAsync(new QuicClientOptions
        {
            RemoteEndPoint = _listener.LocalEndPoint,
            ServerName = "localhost",
            ApplicationProtocols = [Alpn],
            TrustedCertificates = [_certificate],
        }).AsTask());
        Assert.Equal(QuicTransportError.HandshakeFailed, ex.Error);
    }

    [SkippableFact]
    public async Task An_untrusted_certificate_fails_the_handshake_unless_validation_is_off()
    {
        Skip.IfNot(_engine.IsAvailable, NeedsLibMsQuic);
        _listener = await _engine.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = [Alpn],
            ServerCertificate = _certificate,
        });
        var options = new QuicClientOptions { RemoteEndPoint = _listener.LocalEndPoint, ServerName = "localhost", ApplicationProtocols = [Alpn] };
        var ex = await Assert.ThrowsAsync<QuicTransportException>(() => _engine.ConnectAsync(options).AsTask());
        Assert.Equal(QuicTransportError.HandshakeFailed, ex.Error);
        await using var insecure = await _engine.ConnectAsync(options with { ValidatePeerCertificate = false });
        Assert.Equal(Alpn, insecure.ApplicationProtocol);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        if (_listener is not null) await _listener.DisposeAsync();
        await _engine.DisposeAsync();
        _certificate.Dispose();
    }
}
