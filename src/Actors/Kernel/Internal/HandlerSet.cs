using System.Runtime.CompilerServices;

namespace QuicActors.Kernel.Internal;

/// <summary>
/// The ordered handlers of one <see cref="ReceiveActor"/> behaviour (a small array, grown by hand to stay small).
/// </summary>
/// <remarks>
/// Up to <see cref="IndexedFrom"/> handlers a message is offered to each in turn: a type test is cheaper
/// than any lookup. With more (a connection actor declares about twenty), a message would pay a failed
/// type test and a virtual call for every handler before its own, so the set remembers, per message type,
/// which handlers can accept that type at all and offers the message only to those, still in declaration
/// order. Each handler still tests the type and its predicate itself, so the index only skips handlers
/// that could never match.
/// </remarks>
internal sealed class HandlerSet
{
    /// <summary>The handler count from which messages are dispatched through the per-type index.</summary>
    internal const int IndexedFrom = 8;

    private MessageHandler[] _handlers = [];
    private HandlerIndex? _index;

    public void Add(MessageHandler handler)
    {
        var grown = new MessageHandler[_handlers.Length + 1];
        _handlers.CopyTo(grown, 0);
        grown[^1] = handler;
        _handlers = grown;
        _index = null;
    }

    public bool TryHandle(object message)
    {
        var handlers = _handlers;
        if (handlers.Length >= IndexedFrom) handlers = CandidatesFor(message.GetType(), handlers);
        foreach (var handler in handlers)
        {
            if (handler.TryHandle(message)) return true;
        }
        return false;
    }

    private MessageHandler[] CandidatesFor(Type type, MessageHandler[] handlers)
    {
        var index = Volatile.Read(ref _index);
        if (index is not null && index.TryGet(type, out var candidates)) return candidates;
        return AddToIndex(type, handlers, index);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private MessageHandler[] AddToIndex(Type type, MessageHandler[] handlers, HandlerIndex? index)
    {
        var candidates = Array.FindAll(handlers, h => h.CanAccept(type));
        // Copy-on-write: a behaviour delegate may be shared, so readers only ever see complete indexes. A lost
        // race merely drops an entry, which the next message of that type adds again.
        Volatile.Write(ref _index, HandlerIndex.With(index, type, candidates));
        return candidates;
    }
}
