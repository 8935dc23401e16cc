using System.Diagnostics;

namespace QuicActors.Streams;

/// <summary>
/// The transitions one event caused, in order, without allocating. One event moves a half through at most
/// <see cref="Capacity"/> states, e.g. a STREAM frame with FIN that completes the data of a stream whose reading
/// was aborted: Recv → Size Known → Data Recvd → Data Read (RFC 9000 §3.2).
/// </summary>
/// <typeparam name="TState"><see cref="SendState"/> or <see cref="ReceiveState"/>.</typeparam>
public readonly struct TransitionList<TState> : IEquatable<TransitionList<TState>>
    where TState : struct, Enum
{
    /// <summary>The largest number of transitions one event can cause.</summary>
    public const int Capacity = 3;

    private readonly Transition<TState> _first;
    private readonly Transition<TState> _second;
    private readonly Transition<TState> _third;

    private TransitionList(int count, Transition<TState> first, Transition<TState> second, Transition<TState> third)
    {
        Count = count;
        _first = first;
        _second = second;
        _third = third;
    }

    /// <summary>A list of exactly one transition.</summary>
    public TransitionList(Transition<TState> transition)
        : this(1, transition, default, default)
    {
    }

    /// <summary>How many transitions the event caused (0 to <see cref="Capacity"/>).</summary>
    public int Count { get; }

    /// <summary>The transition at <paramref name="index"/>, in the order they happened.</summary>
    public Transition<TState> this[int index] => (uint)index < (uint)Count
        ? index switch { 0 => _first, 1 => _second, _ => _third }
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"The list holds {Count} transition(s).");

    /// <summary>This list followed by every transition of <paramref name="next"/>.</summary>
    internal TransitionList<TState> Concat(TransitionList<TState> next)
    {
        var result = this;
        for (var i = 0; i < next.Count; i++)
        {
            result = result.Append(next[i]);
        }

        return result;
    }

    private TransitionList<TState> Append(Transition<TState> transition)
    {
        Debug.Assert(Count == 0 || EqualityComparer<TState>.Default.Equals(this[Count - 1].To, transition.From),
            "Transitions of one event must chain.");
        return Count switch
        {
            0 => new TransitionList<TState>(1, transition, default, default),
            1 => new TransitionList<TState>(2, _first, transition, default),
            2 => new TransitionList<TState>(3, _first, _second, transition),
            _ => throw new InvalidOperationException(
                $"One event cannot cause more than {Capacity} transitions; attempted to add {transition}."),
        };
    }

    /// <summary>Enumerates the transitions without allocating.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <inheritdoc/>
    public bool Equals(TransitionList<TState> other)
    {
        if (Count != other.Count)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (this[i] != other[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TransitionList<TState> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Count, _first, _second, _third);

    /// <inheritdoc/>
    public override string ToString() => Count switch
    {
        0 => "[]",
        1 => $"[{_first}]",
        2 => $"[{_first}, {_second}]",
        _ => $"[{_first}, {_second}, {_third}]",
    };

    /// <summary>Equality of two lists: same transitions in the same order.</summary>
    public static bool operator ==(TransitionList<TState> left, TransitionList<TState> right) => left.Equals(right);

    /// <summary>Inequality of two lists.</summary>
    public static bool operator !=(TransitionList<TState> left, TransitionList<TState> right) => !left.Equals(right);

    /// <summary>A struct enumerator over a <see cref="TransitionList{TState}"/>.</summary>
    public struct Enumerator
    {
        private readonly TransitionList<TState> _list;
        private int _index;

        internal Enumerator(TransitionList<TState> list)
        {
            _list = list;
            _index = -1;
        }

        /// <summary>The current transition.</summary>
        public readonly Transition<TState> Current => _list[_index];

        /// <summary>Advances to the next transition.</summary>
        public bool MoveNext() => ++_index < _list.Count;
    }
}
