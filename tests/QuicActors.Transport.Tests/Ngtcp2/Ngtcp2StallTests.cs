using System.Diagnostics;
using QuicActors.TestKit;
using QuicActors.Transport;
using QuicActors.Transport.Ngtcp2;
using static QuicActors.Transport.Tests.Ngtcp2.Ngtcp2TestContext;

namespace QuicActors.Transport.Tests.Ngtcp2;

/// <summary>
/// The endpoint loop must never sit out its idle wait (1 s) while work is queued. A lost wake-up did exactly that: the
/// loop cleared its wake-up flag after the poll, yet drained the wake-up datagrams later with the packets, so a write
/// or consume signalled in between was swallowed and the transfer paused until the idle wait ended (bulk ran at
/// 3-4 MB/s on a quiet machine, in 1 s stalls). The loop's own pass counter is watched rather than an application's
/// round trips, whose latency on a loaded machine also includes thread-pool scheduling and GC pauses.
/// </summary>
public sealed class Ngtcp2StallTests
{
    /// <summary>
    /// A swallowed wake-up shows as a pause of the full idle wait (1 s, measured 986 ms on the old loop); anything
    /// shorter is left to the scheduling hiccups of a busy test machine.
    /// </summary>
    private static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(900);

    [SkippableFact]
    public async Task A_loop_woken_without_pause_never_sleeps_through_its_idle_wait()
    {
        await using var engine = EngineOrSkip();
        var listener = (Ngtcp2Listener)await engine.ListenAsync(Listener());
        await using var l = listener;
        var endpoint = listener.Endpoint;

        // Wake-ups back to back, as app threads queueing writes and consumes produce them: every one must end the
        // loop's wait. A swallowed one leaves an idle listener (no timers) asleep for its full second.
        using var stop = new CancellationTokenSource();
        var waker = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                endpoint.Wake();
                Thread.SpinWait(20);
            }
        });
        var longest = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var passes = endpoint.Passes;
        var changed = clock.Elapsed;
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(5);
            var now = clock.Elapsed;
            if (endpoint.Passes != passes)
            {
                passes = endpoint.Passes;
                changed = now;
            }
            else if (now - changed > longest)
            {
                longest = now - changed;
            }
        }
        await stop.CancelAsync();
        await waker.WaitAsync(Wait);

        Assert.True(longest < MaxPause, $"the loop, woken continuously, did not go round for {longest.TotalMilliseconds:0} ms");
    }
}
