using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using QuicActors.Transport.Events;

namespace QuicActors.Transport.InMemory.Internal;

/// <summary>
/// The connection's event channel as the application reads it. It notices datagram events leaving the channel, so
/// the datagram receive queue is bounded by what the application has not read yet.
/// </summary>
internal sealed class EventReader(ChannelReader<EngineEvent> inner, InMemoryConnection owner) : ChannelReader<EngineEvent>
{
    public override Task Completion => inner.Completion;

    public override bool CanCount => inner.CanCount;

    public override int Count => inner.Count;

    public override bool CanPeek => inner.CanPeek;

    public override bool TryPeek([MaybeNullWhen(false)] out EngineEvent item) => inner.TryPeek(out item);

    public override bool TryRead([MaybeNullWhen(false)] out EngineEvent item)
    {
        if (!inner.TryRead(out item)) return false;
        if (item is DatagramReceived) owner.OnDatagramRead();
        return true;
    }

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => inner.WaitToReadAsync(cancellationToken);
}
