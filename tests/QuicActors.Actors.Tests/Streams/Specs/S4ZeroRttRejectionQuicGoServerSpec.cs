using System.Text;
using QuicActors.Conformance.Tests.Interop.Peer;
using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using QuicActors.TestKit;

/// <summary>
/// S4 against quic-go 0.29 as the server, rejecting 0-RTT by rotating its ticket keys (<c>--reject-early</c>): our client
/// connection actor on ngtcp2 resumes and opens stream 0 in 0-RTT; on the rejection it moves to generation 2, the old
/// handle is inert, and stream 0 of generation 2 echoes while quic-go never sees a byte or an abort of the old one.
/// </summary>
public sealed class S4ZeroRttRejectionQuicGoServerSpec(ITestOutputHelper output) : TestKit(output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task After_quic_go_rejects_0rtt_the_old_handle_is_inert_and_stream_0_of_generation_2_works()
    {
        var engine = SpecEngine.Ngtcp2();
        await using var server = await QuicGoServer.StartAsync("echo", "--reject-early");
        await using var host = await StreamSpecHost.ConnectResumedAsync(Sys, engine, server.EndPoint);

        var early = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        Assert.Equal(1, early.Stamp.Generation);
        Assert.Equal(0, early.StreamId.Value);
        await S4ZeroRttRejectionSpec.WriteOnEarlyStreamAsync(early, "lost"u8.ToArray(), virtualTime: false);
        await S4ZeroRttRejectionSpec.AwaitDiscardedAsync(early);
        Assert.Throws<StaleHandleException>(() => early.Abort(StreamAbortDirection.Read, 42));
        Assert.Throws<StaleHandleException>(() => { _ = early.CompleteWritesAsync(); });

        var again = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        Assert.Equal(2, again.Stamp.Generation);
        Assert.Equal(0, again.StreamId.Value);
        Assert.Throws<StaleHandleException>(() => early.Abort(StreamAbortDirection.Both, 42));
        await again.WriteAsync("1-rtt"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        var reply = new StringBuilder();
        var buffer = new byte[16];
        int n;
        while ((n = await again.ReadAsync(buffer).WaitAsync(Wait)) > 0) reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
        Assert.Equal("1-rtt", reply.ToString());

        await server.WaitForEventAsync("handshake-complete", e => e.Has("used0rtt", "false"));
        var eof = await server.WaitForEventAsync("stream-eof", e => e.Has("id", "0"));
        Assert.Equal(5, eof.Long("bytes"));
        Assert.Empty(server.EventsNamed("reset-received"));
        Assert.Empty(server.EventsNamed("stop-sending-received"));
    }
}
