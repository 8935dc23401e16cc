using System.Text;

namespace QuicActors.Kernel;

/// <summary>
/// The location of an actor: <c>quic://system/user/parent/child</c>, plus the incarnation id (<see cref="Uid"/>)
/// of the actor the path was taken from. Equality compares the elements only, like Akka: two incarnations
/// share a path but not a <see cref="IActorRef"/>.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    private ActorPath(ActorPath? parent, string name, long uid, string systemName)
    {
        Parent = parent;
        Name = name;
        Uid = uid;
        SystemName = systemName;
    }

    /// <summary>The parent path, or <see langword="null"/> for the root.</summary>
    public ActorPath? Parent { get; }

    /// <summary>The last element (the actor's name); empty for the root.</summary>
    public string Name { get; }

    /// <summary>The incarnation id of the actor this path belongs to (0 when not tied to an incarnation).</summary>
    public long Uid { get; }

    /// <summary>The name of the actor system.</summary>
    public string SystemName { get; }

    /// <summary>The root path of a system.</summary>
    public static ActorPath Root(string systemName) => new(null, string.Empty, 0, systemName);

    /// <summary>The path of a child named <paramref name="name"/>.</summary>
    public ActorPath Child(string name, long uid = 0) => new(this, name, uid, SystemName);

    /// <summary>Same as <see cref="Child"/>.</summary>
    public static ActorPath operator /(ActorPath parent, string name)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return parent.Child(name);
    }

    /// <summary>The names from the first element below the root to this one.</summary>
    public IReadOnlyList<string> Elements
    {
        get
        {
            var list = new List<string>();
            for (var p = this; p.Parent is not null; p = p.Parent) list.Add(p.Name);
            list.Reverse();
            return list;
        }
    }

    /// <inheritdoc />
    public bool Equals(ActorPath? other)
    {
        if (other is null) return false;
        var a = this;
        var b = other;
        while (a is not null && b is not null)
        {
            if (ReferenceEquals(a, b)) return true;
            if (!string.Equals(a.Name, b.Name, StringComparison.Ordinal)) return false;
            if (a.Parent is null || b.Parent is null)
                return a.Parent is null && b.Parent is null && string.Equals(a.SystemName, b.SystemName, StringComparison.Ordinal);
            a = a.Parent;
            b = b.Parent;
        }
        return false;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ActorPath p && Equals(p);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (var p = this; p is not null; p = p.Parent) hash.Add(p.Name, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    /// <summary><c>quic://system/user/a/b</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("quic://").Append(SystemName);
        var elements = Elements;
        if (elements.Count == 0) return sb.Append('/').ToString();
        foreach (var e in elements) sb.Append('/').Append(e);
        return sb.ToString();
    }

    /// <summary>The path followed by <c>#uid</c>.</summary>
    public string ToStringWithUid() => Uid == 0 ? ToString() : $"{this}#{Uid}";
}
