using System.Buffers;

namespace QuicActors.Transport.Events;

/// <summary>A DATAGRAM frame arrived (RFC 9221). The receiver owns the pooled buffer and must dispose the event.</summary>
public sealed class DatagramReceived : EngineEvent, IDisposable
{
    private byte[]? _buffer;

    /// <summary>Copies <paramref name="payload"/> into a pooled buffer.</summary>
    public DatagramReceived(ReadOnlySpan<byte> payload)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, payload.Length));
        payload.CopyTo(_buffer);
        Length = payload.Length;
    }

    /// <summary>Takes ownership of <paramref name="rentedBuffer"/> (from <see cref="ArrayPool{T}.Shared"/>) without copying.</summary>
    internal DatagramReceived(byte[] rentedBuffer, int length)
    {
        _buffer = rentedBuffer;
        Length = length;
    }

    /// <summary>How many bytes the datagram holds.</summary>
    public int Length { get; }

    /// <summary>The payload.</summary>
    /// <exception cref="ObjectDisposedException">The event was disposed.</exception>
    public ReadOnlyMemory<byte> Payload
    {
        get
        {
            ObjectDisposedException.ThrowIf(_buffer is null, this);
            return _buffer.AsMemory(0, Length);
        }
    }

    /// <summary>Returns the buffer to the pool. Idempotent.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <inheritdoc />
    public override string ToString() => $"DatagramReceived({Length} bytes)";
}
