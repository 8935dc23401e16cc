using System.Buffers;
using QuicActors.Kernel;
using QuicActors.Streams.Internal;

namespace QuicActors.Streams;

/// <summary>
/// Write-behind: a write that fits in the stream's budget (<see cref="ConnectionActorSettings.WriteBehindBytes"/>) is
/// copied into pooled memory and answered at once; the stream actor hands the copy to the engine. The engine's own
/// write completes as soon as it has queued the bytes (its send buffer is the backpressure), so waiting for the stream
/// actor only added a hop to the actor and a continuation back on the thread pool per write. Beyond the budget a write
/// waits as before: the budget is freed only when the engine took the bytes, so the backpressure stays.
/// </summary>
public sealed partial class StreamHandle
{
    private readonly int _writeBehindLimit;
    // Bytes answered at once whose engine write is not over yet.
    private int _bytesBehind;
    // Set once a FIN went out behind: any later write waits for the stream actor's answer, which says why it cannot be.
    private int _finBehind;
    private volatile Exception? _writeBehindFault;

    /// <summary>Bytes written ahead of the engine: answered at once, not yet taken by the engine.</summary>
    internal int BytesBehind => Volatile.Read(ref _bytesBehind);

    /// <summary>Writes <paramref name="data"/> behind when the budget allows; false when the write must wait for its answer.</summary>
    private bool TryWriteBehind(ReadOnlyMemory<byte> data, bool fin)
    {
        var stream = _stream;
        if (_writeBehindLimit == 0 || _viaConnection || _ended || stream is null || Volatile.Read(ref _finBehind) != 0)
        {
            return false;
        }

        var length = data.Length;
        if (length > _writeBehindLimit || Interlocked.Add(ref _bytesBehind, length) > _writeBehindLimit)
        {
            if (length <= _writeBehindLimit)
            {
                Interlocked.Add(ref _bytesBehind, -length);
            }

            return false;
        }

        byte[]? pooled = null;
        if (length > 0)
        {
            pooled = ArrayPool<byte>.Shared.Rent(length);
            data.Span.CopyTo(pooled);
        }

        if (fin)
        {
            Volatile.Write(ref _finBehind, 1);
        }

        stream.Tell(new WriteCommand(Stamp, pooled is null ? ReadOnlyMemory<byte>.Empty : pooled.AsMemory(0, length), fin, null) { Origin = this, Pooled = pooled }, ActorRefs.NoSender);
        return true;
    }

    /// <summary>
    /// A write answered at once is over (called once per such write, by the stream actor or by whoever failed the command):
    /// frees its bytes, and keeps the first failure for the next write to report.
    /// </summary>
    internal void OnWriteBehindSettled(int length, Exception? failure)
    {
        if (failure is not null)
        {
            _writeBehindFault ??= failure;
        }

        Interlocked.Add(ref _bytesBehind, -length);
    }
}
