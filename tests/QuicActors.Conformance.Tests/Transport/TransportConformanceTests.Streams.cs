using QuicActors.Conformance.Tests.Harness;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;

namespace QuicActors.Conformance.Tests.Transport;

/// <summary>Opening, echo, FIN, RESET_STREAM and STOP_SENDING (RFC 9000 §2, §3).</summary>
public abstract partial class TransportConformanceTests
{
    [SkippableFact]
    public async Task Open_accept_and_echo()
    {
        RequireEngine();
        await using var pair = await ConnectAsync();
        var id = await Within(pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        Assert.Equal(QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, 0), id);
        await pair.Client.WriteAsync(id, Bytes("hello, quic"), fin: true);

        var opened = await pair.ServerEvents.NextAsync<PeerStreamOpened>();
        Assert.Equal(id, opened.StreamId);
        var request = await pair.ServerEvents.ReadToEndAsync(id);
        await pair.Server.WriteAsync(id, request, fin: true);

        Assert.Equal("hello, quic", Text(await pair.ClientEvents.ReadToEndAsync(id)));
        if (Harness.Capabilities.HasFlag(EngineCapabilities.AcknowledgementEvents))
        {
            await pair.ClientEvents.NextAsync<StreamFinAcknowledged>(e => e.StreamId == id);
            await pair.ServerEvents.NextAsync<StreamFinAcknowledged>(e => e.StreamId == id);
        }
    }

    [SkippableFact]
    public async Task Stream_ids_follow_rfc9000_section_2_1()
    {
        Require(EngineCapabilities.UnidirectionalStreams);
        await using var pair = await ConnectAsync();
        var c0 = await Within(pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        var c1 = await Within(pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        var cu = await Within(pair.Client.OpenStreamAsync(StreamDirection.Unidirectional).AsTask());
        var s0 = await Within(pair.Server.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        var su = await Within(pair.Server.OpenStreamAsync(StreamDirection.Unidirectional).AsTask());
        Assert.Equal([0L, 4L, 2L, 1L, 3L], new[] { c0.Value, c1.Value, cu.Value, s0.Value, su.Value });

        await pair.Server.WriteAsync(su, Bytes("one way"), fin: true);
        Assert.Equal("one way", Text(await pair.ClientEvents.ReadToEndAsync(su)));
        var error = await Assert.ThrowsAsync<QuicTransportException>(() => pair.Client.WriteAsync(su, Bytes("x"), fin: false).AsTask());
        Assert.Equal(QuicTransportError.StreamDirectionClosed, error.Error);
    }

    [SkippableTheory]
    [InlineData(QuicConnectionRole.Client)]
    [InlineData(QuicConnectionRole.Server)]
    public async Task Fin_travels_in_each_direction(QuicConnectionRole writer)
    {
        RequireEngine();
        await using var pair = await ConnectAsync();
        var id = await Within(pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        await pair.Client.WriteAsync(id, Bytes("open"), fin: false);
        await pair.ServerEvents.ReadAtLeastAsync(id, 4);
        var (sender, receiverEvents) = writer == QuicConnectionRole.Client ? (pair.Client, pair.ServerEvents) : (pair.Server, pair.ClientEvents);

        await sender.WriteAsync(id, Bytes("-data"), fin: false);
        await sender.WriteAsync(id, ReadOnlyMemory<byte>.Empty, fin: true);
        var expected = writer == QuicConnectionRole.Client ? "open-data" : "-data";
        Assert.Equal(expected, Text(await receiverEvents.ReadToEndAsync(id)));

        var error = await Assert.ThrowsAsync<QuicTransportException>(() => sender.WriteAsync(id, Bytes("late"), fin: false).AsTask());
        Assert.Equal(QuicTransportError.StreamDirectionClosed, error.Error);
        Assert.Equal(id, error.StreamId);
    }

    [SkippableTheory]
    [InlineData(QuicConnectionRole.Client)]
    [InlineData(QuicConnectionRole.Server)]
    public async Task Reset_stream_reaches_the_peer_with_its_code(QuicConnectionRole resetter)
    {
        RequireEngine();
        await using var pair = await ConnectAsync();
        var id = await Within(pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        await pair.Client.WriteAsync(id, Bytes("12345"), fin: false);
        await pair.ServerEvents.ReadAtLeastAsync(id, 5);
        var (sender, senderEvents, receiverEvents) = resetter == QuicConnectionRole.Client
            ? (pair.Client, pair.ClientEvents, pair.ServerEvents)
            : (pair.Server, pair.ServerEvents, pair.ClientEvents);

        Assert.True(sender.ResetStream(id, 42));
        var reset = await receiverEvents.NextAsync<PeerResetStream>(e => e.StreamId == id);
        Assert.Equal(42, reset.ApplicationErrorCode);
        Assert.False(sender.ResetStream(id, 43)); // idempotent
        var error = await Assert.ThrowsAsync<QuicTransportException>(() => sender.WriteAsync(id, Bytes("x"), fin: false).AsTask());
        Assert.Equal(QuicTransportError.StreamAborted, error.Error);
        Assert.Equal(42, error.ApplicationErrorCode);
        if (Harness.Capabilities.HasFlag(EngineCapabilities.AcknowledgementEvents))
            await senderEvents.NextAsync<StreamResetAcknowledged>(e => e.StreamId == id);
    }

    [SkippableTheory]
    [InlineData(QuicConnectionRole.Client)]
    [InlineData(QuicConnectionRole.Server)]
    public async Task Stop_sending_is_answered_by_reset_with_the_same_code_and_fails_the_pending_write(QuicConnectionRole stopper)
    {
        RequireEngine();
        var small = new QuicTransportParameters { StreamReceiveWindow = 1024, StreamSendBufferSize = 1024 };
        await using var pair = await ConnectAsync(server: small, client: small, autoConsume: false);
        var id = await Within(pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        await pair.Client.WriteAsync(id, Bytes("hi"), fin: false);
        await pair.ServerEvents.ReadAtLeastAsync(id, 2);
        var (stopperConnection, stopperEvents, writer, writerEvents) = stopper == QuicConnectionRole.Server
            ? (pair.Server, pair.ServerEvents, pair.Client, pair.ClientEvents)
            : (pair.Client, pair.ClientEvents, pair.Server, pair.ServerEvents);

        // Window 1 KiB plus send buffer 1 KiB: an 8 KiB write cannot complete until the reader consumes (an engine with
        // deeper buffers may complete it; then the next write is the one that must fail).
        var pending = writer.WriteAsync(id, new byte[8192], fin: false).AsTask();
        await Task.Delay(Harness.QuietPeriod);
        if (pending.IsCompletedSuccessfully) pending = Task.CompletedTask;

        Assert.True(stopperConnection.StopSending(id, 77));
        var stop = await writerEvents.NextAsync<PeerStopSending>(e => e.StreamId == id);
        Assert.Equal(77, stop.ApplicationErrorCode);
        if (Harness.Capabilities.HasFlag(EngineCapabilities.AcknowledgementEvents))
            await writerEvents.NextAsync<StreamResetAcknowledged>(e => e.StreamId == id); // the answering reset ends the send half
        var answerCode = Harness.Deviations.HasFlag(EngineDeviations.StopSendingAnsweredWithCodeZero) ? 0 : 77;
        if (!Harness.Deviations.HasFlag(EngineDeviations.NoResetReportedAfterOwnStopSending))
        {
            var reset = await stopperEvents.NextAsync<PeerResetStream>(e => e.StreamId == id);
            Assert.Equal(answerCode, reset.ApplicationErrorCode);
        }
        else
        {
            // The engine cannot report the answering reset: it reports where the discarded data ended instead.
            await stopperEvents.NextAsync<StreamDataDiscarded>(e => e.StreamId == id);
        }

        // The receive half ends exactly once (IQuicEngineConnection.StopSending), whatever else still arrives.
        await Task.Delay(Harness.QuietPeriod);
        Assert.Single(stopperEvents.All, e => (e is PeerResetStream reset && reset.StreamId == id) || (e is StreamDataDiscarded discarded && discarded.StreamId == id));
        if (!pending.IsCompleted || pending.IsFaulted)
        {
            var error = await Assert.ThrowsAsync<QuicTransportException>(() => Within(pending));
            Assert.Equal(QuicTransportError.StreamAborted, error.Error);
            Assert.Equal(77, error.ApplicationErrorCode);
        }
        var later = await Assert.ThrowsAsync<QuicTransportException>(() => writer.WriteAsync(id, Bytes("more"), fin: false).AsTask());
        Assert.Equal(QuicTransportError.StreamAborted, later.Error);
        Assert.Equal(77, later.ApplicationErrorCode);
        Assert.False(stopperConnection.StopSending(id, 78)); // idempotent
    }

    [SkippableFact]
    public async Task Bad_arguments_throw_argument_exceptions_naming_the_value()
    {
        RequireEngine();
        await using var pair = await ConnectAsync(autoConsume: false);
        var id = await Within(pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        const long tooLarge = 1L << 62;

        var reset = Assert.Throws<ArgumentOutOfRangeException>(() => pair.Client.ResetStream(id, tooLarge));
        Assert.Contains(tooLarge.ToString(System.Globalization.CultureInfo.InvariantCulture), reset.Message, StringComparison.Ordinal);
        var stop = Assert.Throws<ArgumentOutOfRangeException>(() => pair.Client.StopSending(id, -1));
        Assert.Contains("-1", stop.Message, StringComparison.Ordinal);
        var close = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pair.Client.CloseAsync(tooLarge).AsTask());
        Assert.Contains(tooLarge.ToString(System.Globalization.CultureInfo.InvariantCulture), close.Message, StringComparison.Ordinal);

        var consume = Assert.Throws<ArgumentOutOfRangeException>(() => pair.Client.Consume(id, -5));
        Assert.Contains("-5", consume.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => pair.Client.Consume(id, 1)); // nothing delivered yet

        var unknown = QuicStreamId.Create(QuicConnectionRole.Client, StreamDirection.Bidirectional, 50);
        var notFound = Assert.Throws<QuicTransportException>(() => pair.Client.ResetStream(unknown, 1));
        Assert.Equal(QuicTransportError.StreamNotFound, notFound.Error);
    }

    [SkippableFact]
    public async Task Release_twice_throws_stream_not_found()
    {
        RequireEngine();
        await using var pair = await ConnectAsync();
        var id = await Within(pair.Client.OpenStreamAsync(StreamDirection.Bidirectional).AsTask());
        await pair.Client.WriteAsync(id, Bytes("x"), fin: true);
        await pair.ServerEvents.ReadToEndAsync(id);
        await pair.Server.WriteAsync(id, ReadOnlyMemory<byte>.Empty, fin: true);
        await pair.ClientEvents.ReadToEndAsync(id);

        pair.Server.ReleaseStream(id);
        var error = Assert.Throws<QuicTransportException>(() => pair.Server.ReleaseStream(id));
        Assert.Equal(QuicTransportError.StreamNotFound, error.Error);
        Assert.Equal(id, error.StreamId);
        pair.Client.ReleaseStream(id);
        Assert.Equal(QuicTransportError.StreamNotFound, Assert.Throws<QuicTransportException>(() => pair.Client.ReleaseStream(id)).Error);
    }
}
