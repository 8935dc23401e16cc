using System.Buffers.Binary;
using System.Net;
using QuicActors.Conformance.Tests.Harness;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Events;
using static QuicActors.Transport.Tests.Ngtcp2.Ngtcp2TestContext;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>
/// A peer that breaks RFC 9000 is closed with the matching transport error. ngtcp2 never sends a violation on its own,
/// so the client's ticket is edited to remember a larger stream limit than the server grants now: as if the server had
/// been reconfigured with a lower limit but still accepts 0-RTT with its old tickets. RFC 9000 §7.4.1 forbids a server
/// that accepts 0-RTT to lower a remembered limit, and requires the client to close with PROTOCOL_VIOLATION.
/// </summary>
public sealed class Ngtcp2ProtocolViolationTests
{
    /// <summary>RFC 9000 §18.2: initial_max_streams_bidi.</summary>
    private const long InitialMaxStreamsBidi = 0x08;

    [SkippableFact]
    public async Task A_server_accepting_0RTT_with_a_lower_limit_than_remembered_is_closed_with_PROTOCOL_VIOLATION()
    {
        await using var engine = EngineOrSkip();
        await using var listener = await engine.ListenAsync(Listener(new QuicTransportParameters { MaxInboundBidirectionalStreams = 2 }, EarlyDataPolicy.Accept));
        var ticket = await FirstTicketAsync(engine, listener);
        var inflated = ticket with { Data = WithRememberedBidiLimit(ticket.Data, 40) };

        await using var relay = new DelayingUdpRelay(listener.LocalEndPoint, TimeSpan.FromMilliseconds(300));
        var accept = listener.AcceptConnectionAsync().AsTask();
        var options = Client(relay.EndPoint) with { ResumptionTicket = inflated, EnableEarlyData = true };
        await using var client = await engine.ConnectAsync(options).AsTask().WaitAsync(Wait);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(client.TryOpenStream(StreamDirection.Bidirectional, out var id), $"0-RTT credit for stream #{i} from the edited ticket");
            await client.WriteAsync(id, "x"u8.ToArray(), fin: true);
        }

        // Whichever side notices first closes with its own error: the client on the server's transport parameters
        // (PROTOCOL_VIOLATION), or the server on the third early stream (STREAM_LIMIT_ERROR, RFC 9000 §4.6).
        var closed = await NextAsync<ConnectionClosed>(client);
        Assert.False(closed.Close.IsApplicationError, closed.Close.ToString());
        Assert.True(
            closed.Close is { Initiator: ConnectionCloseInitiator.Transport, ErrorCode: (long)TransportErrorCode.ProtocolViolation }
                or { Initiator: ConnectionCloseInitiator.Peer, ErrorCode: (long)TransportErrorCode.StreamLimitError },
            $"expected a local PROTOCOL_VIOLATION or a peer STREAM_LIMIT_ERROR, got {closed.Close}");

        // The listener still serves a well-behaved client. (A server accepting 0-RTT may already have handed the
        // violating connection out, depending on which side noticed first; that one is skipped.)
        await using var next = await engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        IQuicEngineConnection server;
        while (true)
        {
            server = await accept.WaitAsync(Wait);
            if (((IPEndPoint)server.RemoteEndPoint).Port == ((IPEndPoint)next.LocalEndPoint).Port) break;
            await server.DisposeAsync();
            accept = listener.AcceptConnectionAsync().AsTask();
        }
        await using var served = server;
        var stream = await next.OpenStreamAsync(StreamDirection.Bidirectional).AsTask().WaitAsync(Wait);
        await next.WriteAsync(stream, "ok"u8.ToArray(), fin: true);
        Assert.Equal("ok"u8.ToArray(), await ReadToEndAsync(server, stream));
    }

    private static async Task<QuicResumptionTicket> FirstTicketAsync(IQuicEngine engine, IQuicEngineListener listener)
    {
        var accept = listener.AcceptConnectionAsync().AsTask();
        await using var client = await engine.ConnectAsync(Client(listener.LocalEndPoint)).AsTask().WaitAsync(Wait);
        await using var server = await accept.WaitAsync(Wait);
        return (await NextAsync<ResumptionTicketReceived>(client)).Ticket;
    }

    /// <summary>
    /// Rewrites initial_max_streams_bidi in the ticket's remembered transport parameters. The engine's ticket layout is
    /// [int32 session length][session][early-data flag][transport parameters as RFC 9000 §18 id/length/value varints].
    /// </summary>
    private static byte[] WithRememberedBidiLimit(ReadOnlyMemory<byte> ticket, byte limit)
    {
        Assert.InRange(limit, (byte)0, (byte)63); // stays a one-byte varint, so no length changes
        var data = ticket.ToArray();
        var offset = 4 + BinaryPrimitives.ReadInt32LittleEndian(data) + 1;
        while (offset < data.Length)
        {
            var id = ReadVarint(data, ref offset);
            var length = (int)ReadVarint(data, ref offset);
            if (id == InitialMaxStreamsBidi)
            {
                Assert.Equal(1, length);
                data[offset] = limit;
                return data;
            }
            offset += length;
        }
        throw new InvalidOperationException("The ticket remembers no initial_max_streams_bidi parameter.");
    }

    private static long ReadVarint(byte[] data, ref int offset)
    {
        var length = 1 << (data[offset] >> 6);
        long value = data[offset] & 0x3f;
        for (var i = 1; i < length; i++) value = (value << 8) | data[offset + i];
        offset += length;
        return value;
    }
}
