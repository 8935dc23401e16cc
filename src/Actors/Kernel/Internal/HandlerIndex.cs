using System.Runtime.CompilerServices;

namespace QuicActors.Kernel.Internal;

/// <summary>
/// An immutable map from message type to the handlers of a <see cref="HandlerSet"/> that can accept it:
/// open addressing on the type object's identity, so a lookup is a hash read and one or two reference
/// compares. Grown by copying (<see cref="With"/>), once per message type a behaviour ever sees.
/// </summary>
internal sealed class HandlerIndex
{
    private readonly Type?[] _types;
    private readonly MessageHandler[][] _candidates;
    private readonly int _count;

    private HandlerIndex(int capacity, int count)
    {
        _types = new Type?[capacity];
        _candidates = new MessageHandler[capacity][];
        _count = count;
    }

    /// <summary>The number of message types mapped.</summary>
    public int Count => _count;

    public bool TryGet(Type type, out MessageHandler[] candidates)
    {
        var types = _types;
        var mask = types.Length - 1;
        for (var i = RuntimeHelpers.GetHashCode(type) & mask; ; i = (i + 1) & mask)
        {
            var key = types[i];
            if (ReferenceEquals(key, type))
            {
                candidates = _candidates[i];
                return true;
            }
            if (key is null)
            {
                candidates = [];
                return false;
            }
        }
    }

    /// <summary>A copy of <paramref name="index"/> (or a new index) that also maps <paramref name="type"/>.</summary>
    public static HandlerIndex With(HandlerIndex? index, Type type, MessageHandler[] candidates)
    {
        var count = (index?._count ?? 0) + 1;
        // At most half full, so probes stay short and every probe sequence ends at an empty slot.
        var capacity = 8;
        while (capacity < count * 2) capacity *= 2;
        var grown = new HandlerIndex(capacity, count);
        if (index is not null)
        {
            for (var i = 0; i < index._types.Length; i++)
            {
                if (index._types[i] is { } existing && !ReferenceEquals(existing, type)) grown.Insert(existing, index._candidates[i]);
            }
        }
        grown.Insert(type, candidates);
        return grown;
    }

    private void Insert(Type type, MessageHandler[] candidates)
    {
        var mask = _types.Length - 1;
        var i = RuntimeHelpers.GetHashCode(type) & mask;
        while (_types[i] is not null) i = (i + 1) & mask;
        _types[i] = type;
        _candidates[i] = candidates;
    }
}
