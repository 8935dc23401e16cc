using QuicActors.Streams;

namespace QuicActors.Examples.Churn;

/// <summary>The churn server's stream handlers, one per <see cref="ChurnMode"/>, and what they count.</summary>
internal sealed class ChurnServer(ChurnMode mode)
{
    /// <summary>The application error code the aborting handler uses.</summary>
    public const long AbortCode = 0x2A;

    private long _handled;
    private int _live;
    private int _peakLive;
    private long _leftToLinger;

    /// <summary>Streams whose handler started.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>Streams whose handler returned with its receive half still open (forgetful), so only the linger policy could give their slot back.</summary>
    public long LeftToLinger => Interlocked.Read(ref _leftToLinger);

    /// <summary>
    /// The most server streams alive at once, counted from the handler's start to the stream actor's stop (its transitions
    /// complete), so never more than the live stream actors and, by the credit ledger, never more than the limit.
    /// </summary>
    public int PeakLive => Volatile.Read(ref _peakLive);

    public Func<StreamHandle, CancellationToken, Task> Handler => HandleAsync;

    private async Task HandleAsync(StreamHandle stream, CancellationToken peerAborted)
    {
        Interlocked.Increment(ref _handled);
        var live = Interlocked.Increment(ref _live);
        int peak;
        while (live > (peak = Volatile.Read(ref _peakLive)) && Interlocked.CompareExchange(ref _peakLive, live, peak) != peak)
        {
        }

        // Not disposed: the subscription ends by itself when the stream actor stops.
        _ = stream.Transitions.Subscribe(new StopObserver(this));
        switch (mode)
        {
            case ChurnMode.Good:
                await EchoAsync(stream).ConfigureAwait(false);
                break;
            case ChurnMode.Forgetful:
                _ = await stream.ReadAsync(new byte[64]).ConfigureAwait(false);
                await stream.WriteAsync("ok"u8.ToArray(), completeWrites: true).ConfigureAwait(false);

                // Returning without reading EOF leaves the receive half open: only the linger policy can end it.
                Interlocked.Increment(ref _leftToLinger);
                break;
            case ChurnMode.Crashing:
                _ = await stream.ReadAsync(new byte[64]).ConfigureAwait(false);
                throw new InvalidOperationException("churn: the crashing handler fails mid-stream on purpose");
            case ChurnMode.Aborting:
                _ = await stream.ReadAsync(new byte[64]).ConfigureAwait(false);
                stream.Abort(StreamAbortDirection.Both, AbortCode);
                break;
        }
    }

    private static async Task EchoAsync(StreamHandle stream)
    {
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
        }

        await stream.CompleteWritesAsync().ConfigureAwait(false);
    }

    /// <summary>Counts the stream out when its stream actor stops.</summary>
    private sealed class StopObserver(ChurnServer server) : IObserver<StreamTransition>
    {
        public void OnCompleted() => Interlocked.Decrement(ref server._live);

        public void OnError(Exception error)
        {
        }

        public void OnNext(StreamTransition value)
        {
        }
    }
}
