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
/// that could never match. The index is built only once a behaviour has handled
/// <see cref="IndexAfterMessages"/> messages (an actor that switches behaviour on every message should not
/// pay for indexes it never reuses), and stops growing at <see cref="MaxIndexedTypes"/> types.
/// </remarks>
internal sealed class HandlerSet
{
    /// <summary>The handler count from which messages are dispatched through the per-type index.</summary>
    internal const int IndexedFrom = 8;

    /// <summary>Messages a behaviour dispatches by scanning before it builds its index.</summary>
    internal const int IndexAfterMessages = 16;

    /// <summary>Message types beyond this many are dispatched by scanning (bounds the index of a behaviour that sees endless types).</summary>
    internal const int MaxIndexedTypes = 64;

    private MessageHandler[] _handlers = [];
    private HandlerIndex? _index;
    private int _scans;

    public void Add(MessageHandler handler)
    {
        var grown = new MessageHandler[_handlers.Length + 1];
        _handlers.CopyTo(grown, 0);
        grown[^1] = handler;
        _handlers = grown;
        _index = null;
        _scans = 0;
    }

    public bool TryHandle(object message)
    {
        var handlers = _handlers;
        // The scan counter is not synchronised: a shared behaviour may build its index a little later.
        if (handlers.Length >= IndexedFrom && (_scans >= IndexAfterMessages || ++_scans == IndexAfterMessages))
            handlers = CandidatesFor(message.GetType(), handlers);
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
        return index is { Count: >= MaxIndexedTypes } ? handlers : AddToIndex(type, handlers, index);
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
