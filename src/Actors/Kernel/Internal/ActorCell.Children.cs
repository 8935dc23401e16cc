using System.Globalization;

namespace QuicActors.Kernel.Internal;

internal sealed partial class ActorCell
{
    public IEnumerable<IActorRef> Children => ChildrenSnapshot();

    public IActorRef ActorOf(Props props, string? name = null) => MakeChild(props, name);

    public IActorRef Child(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var extras = _extras;
        if (extras is null) return NobodyRef.Instance;
        lock (extras)
        {
            return extras.Children is { } map && map.TryGetValue(name, out var child) ? child : NobodyRef.Instance;
        }
    }

    internal ActorCell[] ChildrenSnapshot()
    {
        var extras = _extras;
        if (extras is null) return [];
        lock (extras)
        {
            return extras.Children is { Count: > 0 } map ? [.. map.Values] : [];
        }
    }

    private bool HasChildren
    {
        get
        {
            var extras = _extras;
            if (extras is null) return false;
            lock (extras) { return extras.Children is { Count: > 0 }; }
        }
    }

    internal ActorCell MakeChild(Props props, string? name)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is not null) ValidateName(name);
        // A child of anything but the guardian is made on its parent's own turn, so the flags are this thread's to read.
        if (_parent is not null && IsTerminatingOrTerminated) throw ChildrenClosedException(name);
        var extras = Extras;
        ActorCell child;
        lock (extras)
        {
            if (extras.ChildrenClosed) throw ChildrenClosedException(name);
            name ??= "$" + (++extras.NameCounter).ToString(CultureInfo.InvariantCulture);
            extras.Children ??= new Dictionary<string, ActorCell>(StringComparer.Ordinal);
            if (extras.Children.ContainsKey(name))
                throw new InvalidActorNameException(
                    $"Actor name [{name}] is not unique under {Path}: an actor of that name is alive or not yet fully terminated.");
            child = new ActorCell(_system, this, name, props, _system.NextUid());
            extras.Children.Add(name, child);
        }
        child.SendSystemMessage(new CreateMessage());
        return child;
    }

    private InvalidOperationException ChildrenClosedException(string? name) =>
        new($"Cannot create child '{name}' of {Path}: the actor is stopping or stopped.");

    private void ValidateName(string name)
    {
        if (name.Length == 0) throw new InvalidActorNameException($"An actor name under {Path} must not be empty.");
        if (name[0] == '$') throw new InvalidActorNameException($"Actor name [{name}] under {Path} must not start with '$' (reserved for generated names).");
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '*' or '+' or ':' or '@' or '&' or '=' or ',' or '!' or '~' or ';' or '\'') continue;
            throw new InvalidActorNameException($"Actor name [{name}] under {Path} contains the invalid character '{c}'.");
        }
    }

    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is ActorCell cell && ReferenceEquals(cell._parent, this)) StopChild(cell);
        else if (actor is InternalActorRef target) target.SendSystemMessage(new TerminateMessage());
    }

    private void StopChild(ActorCell child)
    {
        (Extras.StoppingChildren ??= []).Add(child);
        child.SendSystemMessage(new TerminateMessage());
    }

    private void HandleChildTerminated(ActorCell child)
    {
        var extras = Extras;
        lock (extras)
        {
            if (extras.Children is { } map && map.TryGetValue(child._name, out var current) && ReferenceEquals(current, child))
                map.Remove(child._name);
        }
        extras.StoppingChildren?.Remove(child);
        extras.RestartStats?.Remove(child);
        if ((_flags & FlagTerminating) != 0)
        {
            if (!HasChildren) FinishTerminate();
        }
        else if ((_flags & FlagRecreating) != 0 && extras.StoppingChildren is not { Count: > 0 })
        {
            FinishRecreate();
        }
    }
}
