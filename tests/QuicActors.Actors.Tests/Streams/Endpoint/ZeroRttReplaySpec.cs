using System.Text;
using QuicActors.Streams;
using QuicActors.Transport;
using QuicActors.Actors.Tests.Streams.Specs;
using QuicActors.TestKit;
using QuicActors.Transport.Events;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Endpoint;

/// <summary>
/// S4, 0-RTT rejection, second part: the replay policy. Under <see cref="EarlyDataReplayPolicy.Replay"/> the connection
/// re-opens each early stream in generation 2 and re-sends the bytes written in 0-RTT; the application gets the new
/// handle, the old one stays inert, and the server sees each request exactly once. Under the default
/// <see cref="EarlyDataReplayPolicy.Fail"/> nothing is re-sent and asking for a replacement says why. Runs once per
/// engine with 0-RTT (one sealed subclass each); on ngtcp2 a relay delays the server's packets so the streams really are
/// opened and written in 0-RTT.
/// </summary>
public abstract class ZeroRttReplaySpec(ITestOutputHelper output, bool useVirtualTime) : QuicActors.TestKit.TestKit(output, useVirtualTime)
{
    private static readonly TimeSpan Wait = EndpointSpecHost.Wait;
    private readonly List<(long Id, string Text)> _served = [];

    /// <summary>The engine this run uses; the test disposes it.</summary>
    private protected abstract SpecEngine CreateEngine();

    [SkippableFact]
    public async Task Replay_reopens_each_early_stream_in_the_new_generation_and_resends_its_bytes()
    {
        var replayed = CreateTestProbe("replayed");
        Sys.EventStream.Subscribe<EarlyStreamReplayed>(replayed.Ref);
        await using var host = CreateEngine();
        await using var listener = await ListenAsync(host);
        await using var client = await ConnectResumedAsync(host, listener, EarlyDataReplayPolicy.Replay);

        var complete = await client.OpenStreamAsync().WaitAsync(Wait);
        var partial = await client.OpenStreamAsync().WaitAsync(Wait);
        var aborted = await client.OpenStreamAsync().WaitAsync(Wait);
        Assert.Equal([0L, 4L, 8L], new[] { complete.StreamId.Value, partial.StreamId.Value, aborted.StreamId.Value });
        await complete.WriteAsync("pi"u8.ToArray()).WaitAsync(Wait);
        await complete.WriteAsync("ng"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        await partial.WriteAsync("half"u8.ToArray()).WaitAsync(Wait);
        await aborted.WriteAsync("never"u8.ToArray()).WaitAsync(Wait);
        aborted.Abort(StreamAbortDirection.Both, 5);

        await host.ElapseAsync(TimeSpan.FromSeconds(1));
        var newComplete = await client.GetReplacementAsync(complete).WaitAsync(Wait);
        var newPartial = await client.GetReplacementAsync(partial).WaitAsync(Wait);
        var notReplayed = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetReplacementAsync(aborted).WaitAsync(Wait));
        Assert.Contains("aborted (code 5)", notReplayed.Message, StringComparison.Ordinal);

        Assert.Equal(2, client.Generation);
        Assert.Equal(new StreamHandleStamp(client.ConnectionId, 2, complete.StreamId), newComplete.Stamp);
        Assert.Equal(new StreamHandleStamp(client.ConnectionId, 2, partial.StreamId), newPartial.Stamp);
        Assert.Throws<StaleHandleException>(() => complete.Abort(StreamAbortDirection.Both, 1));
        Assert.Throws<StaleHandleException>(() => { _ = partial.WriteAsync("x"u8.ToArray()); });

        await newPartial.WriteAsync(" more"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        Assert.Equal("echo:ping", await ReadToEndAsync(newComplete));
        Assert.Equal("echo:half more", await ReadToEndAsync(newPartial));

        var events = new[] { replayed.ExpectMsg<EarlyStreamReplayed>(Wait), replayed.ExpectMsg<EarlyStreamReplayed>(Wait) }.OrderBy(e => e.Original.StreamId.Value).ToArray();
        Assert.Equal((complete.Stamp, 4L, true), (events[0].Original, events[0].BytesResent, events[0].FinResent));
        Assert.Same(newComplete, events[0].Replacement);
        Assert.Equal((partial.Stamp, 4L, false), (events[1].Original, events[1].BytesResent, events[1].FinResent));
        replayed.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        Assert.True(await EndpointSpecHost.EventuallyAsync(() => Task.FromResult(Served().Length == 2)));
        Assert.Equal([(0L, "ping"), (4L, "half more")], Served());
    }

    [SkippableFact]
    public async Task By_default_early_streams_fail_nothing_is_resent_and_asking_for_a_replacement_says_why()
    {
        await using var host = CreateEngine();
        await using var listener = await ListenAsync(host);
        await using var client = await ConnectResumedAsync(host, listener, policy: null);
        var early = await client.OpenStreamAsync().WaitAsync(Wait);
        await early.WriteAsync("ping"u8.ToArray(), completeWrites: true).WaitAsync(Wait);

        await host.ElapseAsync(TimeSpan.FromSeconds(1));
        Assert.True(await EndpointSpecHost.EventuallyAsync(() => Task.FromResult(client.Generation == 2)));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetReplacementAsync(early).WaitAsync(Wait));
        Assert.Contains("replay policy is Fail", ex.Message, StringComparison.Ordinal);
        Assert.Throws<StaleHandleException>(() => early.Abort(StreamAbortDirection.Both, 1));

        var fresh = await client.OpenStreamAsync().WaitAsync(Wait);
        Assert.Equal(new StreamHandleStamp(client.ConnectionId, 2, new QuicStreamId(0)), fresh.Stamp);
        await fresh.WriteAsync("1-rtt"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        Assert.Equal("echo:1-rtt", await ReadToEndAsync(fresh));
        Assert.Equal([(0L, "1-rtt")], Served());
    }

    [SkippableFact]
    public async Task An_early_stream_whose_bytes_exceed_the_replay_bound_is_not_replayed_and_its_handle_stays_inert()
    {
        await using var host = CreateEngine();
        await using var listener = await ListenAsync(host);
        await using var client = await ConnectResumedAsync(host, listener, EarlyDataReplayPolicy.Replay, replayMaxBytes: 6);
        var small = await client.OpenStreamAsync().WaitAsync(Wait);
        var large = await client.OpenStreamAsync().WaitAsync(Wait);
        await small.WriteAsync("tiny"u8.ToArray(), completeWrites: true).WaitAsync(Wait);
        await large.WriteAsync("too"u8.ToArray()).WaitAsync(Wait);
        await large.WriteAsync("large"u8.ToArray(), completeWrites: true).WaitAsync(Wait);

        await host.ElapseAsync(TimeSpan.FromSeconds(1));
        var replacement = await client.GetReplacementAsync(small).WaitAsync(Wait);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetReplacementAsync(large).WaitAsync(Wait));
        Assert.Contains("exceed EarlyDataReplayMaxBytes (6)", ex.Message, StringComparison.Ordinal);
        Assert.Throws<StaleHandleException>(() => large.Abort(StreamAbortDirection.Both, 1));
        Assert.Equal("echo:tiny", await ReadToEndAsync(replacement));
        Assert.Equal([(0L, "tiny")], Served());
    }

    private (long Id, string Text)[] Served()
    {
        lock (_served)
        {
            return [.. _served.OrderBy(s => s.Id)];
        }
    }

    private Task<QuicListener> ListenAsync(SpecEngine host)
    {
        var settings = new ListenerSettings
        {
            Connection = new ConnectionActorSettings
            {
                StreamHandler = async (stream, _) =>
                {
                    var text = await ReadToEndAsync(stream);
                    lock (_served)
                    {
                        _served.Add((stream.StreamId.Value, text));
                    }

                    await stream.WriteAsync(Encoding.ASCII.GetBytes("echo:" + text), completeWrites: true);
                },
            },
        };
        return QuicActorsEndpoint.ListenAsync(Sys, host.ServerEngine, host.Listener(new QuicTransportParameters(), EarlyDataPolicy.Reject), settings);
    }

    /// <summary>A first connection earns a ticket; the second resumes with it and starts in 0-RTT.</summary>
    private async Task<QuicConnection> ConnectResumedAsync(SpecEngine host, QuicListener listener, EarlyDataReplayPolicy? policy, long replayMaxBytes = 64 * 1024)
    {
        var early = await host.ResumingClientAsync(listener.LocalEndPoint);
        var settings = new ConnectionActorSettings { InitialOutboundBidirectionalCredit = 100, EarlyDataReplayMaxBytes = replayMaxBytes };
        if (policy is { } p)
        {
            settings = settings with { EarlyDataReplay = p };
        }

        return await QuicActorsEndpoint.ConnectAsync(Sys, host.ClientEngine, early, settings).WaitAsync(Wait);
    }

    private static async Task<string> ReadToEndAsync(StreamHandle stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[64];
        int n;
        while ((n = await stream.ReadAsync(buffer).WaitAsync(Wait)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return text.ToString();
    }
}
