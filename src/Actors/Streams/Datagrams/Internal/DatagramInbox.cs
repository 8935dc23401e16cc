using System.Threading.Channels;
using QuicActors.Transport.Events;

namespace QuicActors.Streams.Internal;

/// <summary>
/// The received datagrams of one flow, waiting for <see cref="StreamHandle.ReadDatagramAsync"/>: written by the
/// connection actor, read by the application. Bounded: a full inbox refuses, and the connection actor drops and counts.
/// Holds the engine's pooled events (no copy until the application reads).
/// </summary>
internal sealed class DatagramInbox
{
    private readonly Channel<Item> _channel;

    public DatagramInbox(int capacity) =>
        _channel = Channel.CreateBounded<Item>(new BoundedChannelOptions(capacity)
        {
            SingleWriter = true,
            SingleReader = false,
            FullMode = BoundedChannelFullMode.Wait,
        });

    /// <summary>Queues the payload of <paramref name="datagram"/> after its <paramref name="prefixLength"/>-byte flow prefix; takes ownership on success.</summary>
    public bool TryWrite(DatagramReceived datagram, int prefixLength) => _channel.Writer.TryWrite(new Item(datagram, prefixLength));

    /// <summary>No more datagrams will come: readers get what is queued, then the end.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>The flow was removed: end it and free whatever nobody read.</summary>
    public void Discard()
    {
        _channel.Writer.TryComplete();
        while (_channel.Reader.TryRead(out var item))
        {
            item.Datagram.Dispose();
        }
    }

    /// <summary>Copies the next payload into <paramref name="buffer"/>; -1 once the flow's receive side ended and nothing is queued.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, QuicActors.Transport.QuicStreamId streamId, CancellationToken cancellationToken)
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!reader.TryPeek(out var next))
            {
                continue;
            }

            var length = next.Datagram.Length - next.PrefixLength;
            if (length > buffer.Length)
            {
                // Checked before taking it, so the datagram stays queued for a larger buffer.
                throw new ArgumentException($"The next datagram of stream {streamId} holds {length} bytes; the buffer has room for {buffer.Length}.", nameof(buffer));
            }

            if (!reader.TryRead(out var item))
            {
                continue;
            }

            using (item.Datagram)
            {
                var payload = item.Datagram.Payload[item.PrefixLength..];
                if (payload.Length > buffer.Length)
                {
                    throw new InvalidOperationException($"Stream {streamId}: another reader took the datagram checked; read datagrams from one reader at a time.");
                }

                payload.CopyTo(buffer);
                return payload.Length;
            }
        }

        return -1;
    }

    private readonly record struct Item(DatagramReceived Datagram, int PrefixLength);
}
