using QuicActors.Streams;

namespace QuicActors.Examples.Churn;

/// <summary>The churn server's stream handlers, one per <see cref="ChurnMode"/>, and what they count.</summary>
internal sealed class ChurnServer(ChurnMode mode)
{
    /// <summary>The application error code the aborting handler uses.</summary>
    public const long AbortCode = 0x2A;

    private long _handled;
    private long _leftToLinger;
    private int _inHandlers;
    private int _peakInHandlers;

    /// <summary>Streams whose handler started.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>Streams whose handler returned with its receive half still open (forgetful), so only the linger policy could give their slot back.</summary>
    public long LeftToLinger => Interlocked.Read(ref _leftToLinger);

    /// <summary>The most handlers running at once.</summary>
    public int PeakInHandlers => Volatile.Read(ref _peakInHandlers);

    public Func<StreamHandle, CancellationToken, Task> Handler => HandleAsync;

    private async Task HandleAsync(StreamHandle stream, CancellationToken peerAborted)
    {
        Interlocked.Increment(ref _handled);
        var running = Interlocked.Increment(ref _inHandlers);
        int peak;
        while (running > (peak = Volatile.Read(ref _peakInHandlers)) && Interlocked.CompareExchange(ref _peakInHandlers, running, peak) != peak)
        {
        }

        try
        {
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
        finally
        {
            Interlocked.Decrement(ref _inHandlers);
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
}
