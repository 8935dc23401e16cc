using QuicActors.Kernel;
using QuicActors.Streams.Internal;
using QuicActors.Transport.Events;

namespace QuicActors.Streams;

/// <summary>
/// Read-ahead: when data arrives and no read waits at the stream actor, the receive half offers the chunk to the handle,
/// and the next read copies from it at once; the stream actor learns of it with a one-way notice
/// (<see cref="OfferedBytesRead"/>) and gives the flow-control credit back (RFC 9000 §4.1) then. Without it every read of
/// data that had already arrived cost a hop to the actor and a continuation back on the thread pool.
/// </summary>
/// <remarks>
/// The lock is held only to move a chunk between the two sides. The rule that keeps bytes in order: the half offers a
/// chunk only while the handle holds none and no read of the handle waits at the actor (<see cref="_readsSent"/>), and
/// the handle sends a read to the actor only while it holds no chunk. So a held chunk is always the next byte to read.
/// </remarks>
public sealed partial class StreamHandle
{
    // Null on a stream with no receive half here.
    private readonly object? _readGate;
    private StreamDataReceived? _offered;
    private int _offeredOffset;
    private bool _offeredIsLast;
    // Reads sent to the stream actor that it has not answered yet.
    private int _readsSent;
    // Set by Abort(Read): from then on reads go to the stream actor, which fails them after the abort (they follow it).
    private bool _readAheadClosed;

    /// <summary>Reads from the offered chunk when there is one; null when the read must go to the stream actor (and is counted as sent).</summary>
    private Task<int>? TryReadOffered(Memory<byte> buffer)
    {
        if (_readGate is not { } gate || buffer.IsEmpty)
        {
            return null;
        }

        StreamDataReceived? consumed = null;
        int count;
        bool last;
        lock (gate)
        {
            if (_offered is not { } chunk || _readAheadClosed)
            {
                _readsSent++;
                return null;
            }

            var available = chunk.Data.Span[_offeredOffset..];
            count = Math.Min(available.Length, buffer.Length);
            available[..count].CopyTo(buffer.Span);
            _offeredOffset += count;
            last = false;
            if (_offeredOffset == chunk.Length)
            {
                last = _offeredIsLast;
                consumed = TakeOffered(out _);
            }
        }

        consumed?.Dispose();
        if (last)
        {
            // Before the notice: the reader's next read is EOF, answered here (see ReadAsync).
            MarkEndOfDataDelivered();
        }

        _connection.Tell(new OfferedBytesRead(Stamp, count), ActorRefs.NoSender);
        return Task.FromResult(count);
    }

    /// <summary>
    /// Called by the receive half, on its actor's thread: takes <paramref name="chunk"/> (from <paramref name="offset"/>)
    /// for the handle's next reads when no read waits at the actor and the handle holds no chunk. <paramref name="last"/>:
    /// the chunk ends the stream's data (the FIN is in and nothing else is queued).
    /// </summary>
    internal bool TryOffer(StreamDataReceived chunk, int offset, bool last)
    {
        if (_readGate is not { } gate)
        {
            return false;
        }

        lock (gate)
        {
            if (_offered is not null || _readsSent != 0)
            {
                return false;
            }

            _offered = chunk;
            _offeredOffset = offset;
            _offeredIsLast = last;
            return true;
        }
    }

    /// <summary>
    /// Called by the receive half once all the stream's data is in and none is queued at the actor: the held chunk, if
    /// any, is the last; with none held and no read waiting at the actor, every byte was delivered and the next read is EOF.
    /// </summary>
    internal void OnAllDataReceived()
    {
        if (_readGate is not { } gate)
        {
            return;
        }

        lock (gate)
        {
            if (_offered is not null)
            {
                _offeredIsLast = true;
            }
            else if (_readsSent == 0)
            {
                MarkEndOfDataDelivered();
            }
        }
    }

    /// <summary>Called by the receive half before it drops, drains or serves from its own queue: the held chunk goes back, with what is left unread of it.</summary>
    internal StreamDataReceived? Reclaim(out int offset)
    {
        offset = 0;
        if (_readGate is not { } gate)
        {
            return null;
        }

        lock (gate)
        {
            return TakeOffered(out offset);
        }
    }

    /// <summary>Under the gate: the handle lets go of its chunk; <paramref name="offset"/> is where its unread bytes start.</summary>
    private StreamDataReceived? TakeOffered(out int offset)
    {
        var chunk = _offered;
        offset = _offeredOffset;
        _offered = null;
        _offeredOffset = 0;
        _offeredIsLast = false;
        return chunk;
    }

    /// <summary>The application aborted reading: the held chunk is no longer read here; the stream actor takes it back and drops it.</summary>
    private void CloseReadAhead()
    {
        if (_readGate is { } gate)
        {
            lock (gate)
            {
                _readAheadClosed = true;
            }
        }
    }

    /// <summary>Called once per read sent to the stream actor, when it is answered (with bytes, EOF or a failure).</summary>
    internal void OnReadAnswered()
    {
        if (_readGate is { } gate)
        {
            lock (gate)
            {
                _readsSent--;
            }
        }
    }
}
