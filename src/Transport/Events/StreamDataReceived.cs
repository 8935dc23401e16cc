using System.Buffers;

namespace QuicActors.Transport.Events;

/// <summary>
/// In-order bytes arrived on a stream (RFC 9000 §2.2), possibly with the end of the stream. The receiver owns the
/// buffer and must <see cref="Dispose"/> the event once it has copied or used <see cref="Data"/>; the bytes count
/// against the stream's receive window until the application reports them with
/// <see cref="IQuicEngineConnection.Consume"/>.
/// </summary>
public sealed class StreamDataReceived : StreamEvent, IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    /// <summary>Creates the event around a buffer rented from <see cref="ArrayPool{T}.Shared"/>; the event returns it on dispose.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="offset">The stream offset of the first byte.</param>
    /// <param name="rentedBuffer">A buffer from <see cref="ArrayPool{T}.Shared"/>, or null when <paramref name="length"/> is 0.</param>
    /// <param name="length">How many bytes of the buffer are data.</param>
    /// <param name="fin">Whether these are the last bytes of the stream (the final size is <paramref name="offset"/> + <paramref name="length"/>).</param>
    public StreamDataReceived(QuicStreamId streamId, long offset, byte[]? rentedBuffer, int length, bool fin) : base(streamId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > 0 && (rentedBuffer is null || rentedBuffer.Length < length))
            throw new ArgumentException($"The buffer holds {rentedBuffer?.Length ?? 0} bytes, fewer than the length {length}.", nameof(rentedBuffer));
        _buffer = rentedBuffer;
        _length = length;
        Offset = offset;
        IsFin = fin;
    }

    /// <summary>Copies <paramref name="data"/> into a pooled buffer.</summary>
    public static StreamDataReceived Copy(QuicStreamId streamId, long offset, ReadOnlySpan<byte> data, bool fin)
    {
        byte[]? buffer = null;
        if (!data.IsEmpty)
        {
            buffer = ArrayPool<byte>.Shared.Rent(data.Length);
            data.CopyTo(buffer);
        }
        return new StreamDataReceived(streamId, offset, buffer, data.Length, fin);
    }

    /// <summary>The stream offset of the first byte.</summary>
    public long Offset { get; }

    /// <summary>The bytes; empty for a bare FIN.</summary>
    /// <exception cref="ObjectDisposedException">The event was disposed and its buffer returned.</exception>
    public ReadOnlyMemory<byte> Data
    {
        get
        {
            if (_length == 0) return ReadOnlyMemory<byte>.Empty;
            ObjectDisposedException.ThrowIf(_buffer is null, this);
            return _buffer.AsMemory(0, _length);
        }
    }

    /// <summary>How many bytes <see cref="Data"/> holds; still valid after dispose.</summary>
    public int Length => _length;

    /// <summary>Whether the stream ends with these bytes.</summary>
    public bool IsFin { get; }

    /// <summary>Returns the buffer to the pool. Idempotent.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <inheritdoc />
    public override string ToString() => $"StreamDataReceived({StreamId}, offset {Offset}, {_length} bytes{(IsFin ? ", fin" : "")})";
}
