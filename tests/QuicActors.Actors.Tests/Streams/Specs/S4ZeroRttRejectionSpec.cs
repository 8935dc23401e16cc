using System.Text;
using QuicActors.Streams;
using QuicActors.Transport;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Specs;

using QuicActors.TestKit;

/// <summary>
/// S4, 0-RTT rejection (issue 5), first part: after the server rejects 0-RTT, the connection runs in generation 2, the
/// old handle is inert (every operation throws <see cref="StaleHandleException"/>), and stream 0 of the new generation
/// works end to end while nothing of the old handle reaches the server. The deferred calls run after the new generation
/// starts here; <see cref="S4EarlyHandleAcrossRejectionSpec"/> runs them before it, and <c>ZeroRttReplaySpec</c> covers the
/// replay policy. Runs once per engine (one sealed subclass each); on ngtcp2 a relay delays the server's packets so the early stream
/// really is opened in 0-RTT.
/// </summary>
public abstract class S4ZeroRttRejectionSpec(ITestOutputHelper output, bool useVirtualTime) : QuicActors.TestKit.TestKit(output, useVirtualTime)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>The engine this run uses; the host takes ownership.</summary>
    private protected abstract SpecEngine CreateEngine();

    /// <summary>
    /// Writes on the early stream. On virtual time it always precedes the rejection; on the wall clock the rejection
    /// can win the race, and then the write fails with <see cref="StaleHandleException"/>, whether the connection actor
    /// already moved to generation 2 or only the engine had discarded the stream (see
    /// <see cref="S4EarlyHandleAcrossRejectionSpec"/>). Either way nothing of it is sent, which the rest of the spec checks.
    /// </summary>
    internal static async Task WriteOnEarlyStreamAsync(StreamHandle early, byte[] data, bool virtualTime)
    {
        try
        {
            await early.WriteAsync(data).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (StaleHandleException) when (!virtualTime)
        {
        }
    }

    /// <summary>Waits until both halves of the discarded early stream report Closed.</summary>
    internal static async Task AwaitDiscardedAsync(StreamHandle early)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((early.SendState != SendState.Closed || early.ReceiveState != ReceiveState.Closed) && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(SendState.Closed, early.SendState);
        Assert.Equal(ReceiveState.Closed, early.ReceiveState);
    }

    [SkippableFact]
    public async Task After_rejection_the_old_handle_is_inert_and_stream_0_of_the_new_generation_works()
    {
        var serverStreams = new List<(long Id, string Text, List<TransitionCause> Causes)>();
        await using var host = await StreamSpecHost.StartResumedAsync(Sys, CreateEngine(), EarlyDataPolicy.Reject);

        var early = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        Assert.Equal(1, early.Stamp.Generation);
        Assert.Equal(0, early.StreamId.Value);
        await WriteOnEarlyStreamAsync(early, "ping"u8.ToArray(), VirtualTime is not null);

        await host.AcceptServerAsync(Sys, async (stream, _) =>
        {
            var causes = new List<TransitionCause>();
            using var subscription = stream.Transitions.Subscribe(new CauseRecorder(causes));
            var text = new StringBuilder();
            var buffer = new byte[64];
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            await stream.WriteAsync("pong"u8.ToArray(), completeWrites: true);
            lock (serverStreams)
            {
                serverStreams.Add((stream.StreamId.Value, text.ToString(), causes));
            }
        });

        await host.Engine.ElapseAsync(TimeSpan.FromSeconds(1));
        await AwaitDiscardedAsync(early);
        Assert.Throws<StaleHandleException>(() => early.Abort(StreamAbortDirection.Read, 42));
        Assert.Throws<StaleHandleException>(() => early.Abort(StreamAbortDirection.Write, 42));
        Assert.Throws<StaleHandleException>(() => { _ = early.CompleteWritesAsync(); });

        var again = await ConnectionActor.OpenStreamAsync(host.ClientActor, StreamDirection.Bidirectional, TimeSpan.FromSeconds(2)).WaitAsync(Wait);
        Assert.Equal(2, again.Stamp.Generation);
        Assert.Equal(0, again.StreamId.Value);

        // The old handle still cannot touch the new stream 0: each deferred call fails, and nothing reaches the wire.
        Assert.Throws<StaleHandleException>(() => early.Abort(StreamAbortDirection.Read, 42));
        Assert.Throws<StaleHandleException>(() => early.Abort(StreamAbortDirection.Write, 42));
        Assert.Throws<StaleHandleException>(() => { _ = early.CompleteWritesAsync(); });
        Assert.Throws<StaleHandleException>(() => early.Abort(StreamAbortDirection.Both, 42));
        await again.WriteAsync("1-rtt"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        var reply = new StringBuilder();
        var buffer = new byte[16];
        int n;
        while ((n = await again.ReadAsync(buffer).WaitAsync(Wait)) > 0)
        {
            reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        Assert.Equal("pong", reply.ToString());
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            lock (serverStreams)
            {
                if (serverStreams.Count > 0)
                {
                    break;
                }
            }

            await Task.Delay(10);
        }

        lock (serverStreams)
        {
            var (id, text, causes) = Assert.Single(serverStreams);
            Assert.Equal(0, id);
            Assert.Equal("1-rtt", text);
            Assert.DoesNotContain(TransitionCause.PeerReset, causes);
            Assert.DoesNotContain(TransitionCause.PeerStopSending, causes);
        }
    }

    private sealed class CauseRecorder(List<TransitionCause> causes) : IObserver<StreamTransition>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(StreamTransition value)
        {
            lock (causes)
            {
                causes.Add(value.Cause);
            }
        }
    }
}
