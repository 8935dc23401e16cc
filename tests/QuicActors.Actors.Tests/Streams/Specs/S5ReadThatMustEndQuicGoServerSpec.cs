using System.Text;
using QuicActors.Conformance.Tests.Interop.Peer;
using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using QuicActors.TestKit;

/// <summary>
/// S5 against quic-go 0.29 as the peer that never finishes: its echo server answers only after our FIN, so until then a
/// read of ours has nothing to wait for but its deadline. The deadline fails only that read; the stream still works
/// both ways afterwards; <see cref="StreamHandle.Abort"/> ends a pending read at once and quic-go sees our code.
/// </summary>
public sealed class S5ReadThatMustEndQuicGoServerSpec(ITestOutputHelper output) : TestKit(output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task A_read_deadline_fails_only_that_read_and_abort_ends_a_pending_read_with_quic_go_as_the_peer()
    {
        var engine = SpecEngine.Ngtcp2();
        await using var server = await QuicGoServer.StartAsync("echo");
        await using var host = await StreamSpecHost.ConnectAsync(Sys, engine, server.EndPoint);

        var stream = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await stream.WriteAsync("hello"u8.ToArray()).WaitAsync(Wait);
        await S5ReadThatMustEndSpec.AssertReadDeadlineAsync(stream, this);

        Assert.Equal(ReceiveState.Recv, stream.ReceiveState);
        Assert.Equal(SendState.Send, stream.SendState);
        await stream.WriteAsync("again"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        var echo = new StringBuilder();
        var buffer = new byte[64];
        int n;
        while ((n = await stream.ReadAsync(buffer).WaitAsync(Wait)) > 0) echo.Append(Encoding.ASCII.GetString(buffer, 0, n));
        Assert.Equal("helloagain", echo.ToString());

        var second = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        await second.WriteAsync("x"u8.ToArray()).WaitAsync(Wait);
        await server.WaitForEventAsync("stream-accepted", e => e.Has("id", second.StreamId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var pending = second.ReadAsync(buffer);
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        second.Abort(StreamAbortDirection.Both, 9);
        var aborted = await Assert.ThrowsAsync<StreamAbortedException>(() => pending.WaitAsync(Wait));
        Assert.Equal(9, aborted.ErrorCode);
        Assert.False(aborted.ByPeer);
        await server.WaitForEventAsync("reset-received", e => e.Has("code", "9"));

        // Both streams end on our side, so the client connection holds nothing.
        var deadline = DateTime.UtcNow + Wait;
        ConnectionStatus status;
        do
        {
            status = await ConnectionActor.GetStatusAsync(host.ClientActor);
            await Task.Delay(10);
        }
        while (status.LiveStreams != 0 && DateTime.UtcNow < deadline);
        Assert.Equal(0, status.LiveStreams);
        Assert.Empty(status.InvariantViolations);
    }
}
