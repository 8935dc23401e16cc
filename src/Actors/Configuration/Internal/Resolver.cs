using System.Runtime.CompilerServices;

namespace QuicActors.Configuration.Internal;

/// <summary>
/// Resolves substitutions over a whole configuration. Lookups are lazy and memoized per substitution
/// context; a value being resolved is marked in progress so that reaching it again is reported as a cycle
/// (or, for a self-reference, treated as undefined). An element of a <see cref="DelayedMerge"/> is resolved
/// with its own path replaced by the merge of the elements below it, which is how <c>a = ${a} [x]</c>
/// looks back at the earlier value of <c>a</c>.
/// </summary>
internal sealed class Resolver
{
    private const int MaxDepth = 300;
    private const long MaxSteps = 2_000_000;

    private readonly ConfigObject root;
    private readonly ConfigResolveOptions options;
    private readonly Dictionary<(ConfigNode Node, Overrides? Context), ConfigNode> memo = new(new NodeContextComparer());
    private readonly HashSet<ConfigNode> inProgress = new(ReferenceEqualityComparer.Instance);
    private readonly List<(ConfigNode Node, ConfigPath Path)> stack = [];
    private long steps;

    public Resolver(ConfigObject root, ConfigResolveOptions options)
    {
        this.root = root;
        this.options = options;
    }

    public ConfigObject ResolveRoot()
    {
        var result = Resolve(root, ConfigPath.Root, null);
        return (ConfigObject)result;
    }

    private ConfigNode Resolve(ConfigNode node, ConfigPath path, Overrides? context)
    {
        if (node.IsResolved)
        {
            return node;
        }

        // Substitutions are memoized per instance, so one occurrence resolves to one value wherever it is
        // reached from; other nodes per context, falling back to their final (root-context) value.
        var memoContext = node is Substitution ? null : context;
        if (memo.TryGetValue((node, memoContext), out var done) || memo.TryGetValue((node, null), out done))
        {
            return done;
        }

        if (++steps > MaxSteps)
        {
            throw new ConfigException($"{path} ({node.Origin}): substitutions need more than {MaxSteps} steps to resolve; the configuration is too convoluted", path.ToString(), node.Origin);
        }

        if (stack.Count > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new ConfigException($"{path} ({node.Origin}): substitutions nest more than {MaxDepth} deep ({string.Join(" -> ", Chain(0, closing: null))})", path.ToString(), node.Origin);
        }

        inProgress.Add(node);
        stack.Add((node, path));
        ConfigNode result;
        try
        {
            result = node switch
            {
                ConfigObject o => ResolveObject(o, path, context),
                ConfigList l => ResolveList(l, path, context),
                Substitution s => ResolveSubstitution(s, path, context),
                Concatenation c => Concatenator.Join(c.Pieces.ConvertAll(p => p is ConcatWhitespace ? p : Resolve(p, path, context)), c.Origin, path),
                DelayedMerge d => ResolveDelayedMerge(d, path, context),
                _ => node,
            };
        }
        finally
        {
            stack.RemoveAt(stack.Count - 1);
            inProgress.Remove(node);
        }

        memo[(node, memoContext)] = result;
        return result;
    }

    private ConfigObject ResolveObject(ConfigObject o, ConfigPath path, Overrides? context)
    {
        var fields = new OrderedDictionary<string, ConfigNode>(o.Fields.Count, StringComparer.Ordinal);
        foreach (var (k, v) in o.Fields)
        {
            var r = Resolve(v, path.Append(k), context);
            if (r is not Undefined)
            {
                fields[k] = r;
            }
        }

        return new ConfigObject(o.Origin, fields) { IgnoresFallbacks = o.IgnoresFallbacks };
    }

    private ConfigList ResolveList(ConfigList l, ConfigPath path, Overrides? context)
    {
        var items = new List<ConfigNode>(l.Items.Count);
        for (var i = 0; i < l.Items.Count; i++)
        {
            var r = Resolve(l.Items[i], path, context);
            if (r is not Undefined)
            {
                items.Add(r);
            }
        }

        return new ConfigList(l.Origin, items);
    }

    private ConfigNode ResolveDelayedMerge(DelayedMerge d, ConfigPath path, Overrides? context)
    {
        ConfigNode? below = null;
        for (var i = d.Stack.Count - 1; i >= 0; i--)
        {
            var element = d.Stack[i];
            if (element is ConfigObject obj)
            {
                // An object merges with what is below it before its own fields resolve, so a field may refer
                // to a sibling that came from below ("look forward" within the merged object).
                var merged = below is ConfigObject belowObject ? Merger.MergeObjects(obj, belowObject) : obj;
                below = Resolve(merged, path, new Overrides(path, merged, context));
                continue;
            }

            var r = Resolve(element, path, new Overrides(path, below, context));
            if (r is Undefined)
            {
                continue;
            }

            below = below is null ? r : Merger.Merge(r, below);
        }

        return below ?? Undefined.Instance;
    }

    private ConfigNode ResolveSubstitution(Substitution s, ConfigPath path, Overrides? context)
    {
        var (found, cycle) = Lookup(s.Path, context);
        if (found is null && cycle is null && !s.Original.Equals(s.Path))
        {
            (found, cycle) = Lookup(s.Original, context);
        }

        if (found is not null and not Undefined)
        {
            return found;
        }

        // A direct self-reference with nothing below it is undefined, like a missing path; so is any cycle for ${?x}.
        var selfReference = cycle is not null && cycle.Count <= 2;
        if ((found is null || found is Undefined) && (cycle is null || selfReference) && options.UseEnvironment)
        {
            var name = string.Join('.', s.Original.Elements);
            var value = (options.EnvironmentReader ?? Environment.GetEnvironmentVariable)(name);
            if (value is not null)
            {
                return new ConfigString(value, new ConfigOrigin("env " + name, 0));
            }
        }

        if (s.Optional)
        {
            return Undefined.Instance;
        }

        if (cycle is not null)
        {
            var chain = string.Join(" -> ", cycle);
            var message = selfReference
                ? $"{path} ({s.Origin}): {s.Describe()} refers to itself and there is no earlier value of {s.Original} to use (cycle: {chain})"
                : $"{path} ({s.Origin}): cannot resolve {s.Describe()}: substitutions form a cycle: {chain}";
            throw new ConfigException(message, path.ToString(), s.Origin);
        }

        throw new ConfigException(
            $"{path} ({s.Origin}): cannot resolve {s.Describe()}: no value at {s.Original}{(options.UseEnvironment ? " and no environment variable of that name" : string.Empty)}",
            path.ToString(),
            s.Origin);
    }

    /// <summary>
    /// Finds and resolves the value at <paramref name="target"/>. Returns (null, null) when the path is not
    /// set, (null, chain) when reaching it would go through a value already being resolved.
    /// </summary>
    private (ConfigNode? Found, List<string>? Cycle) Lookup(ConfigPath target, Overrides? context)
    {
        ConfigNode current = root;
        for (var i = 0; i <= target.Length; i++)
        {
            var prefix = target.Prefix(i);
            if (i > 0)
            {
                if (current is not ConfigObject obj)
                {
                    return (null, null);
                }

                if (!obj.Fields.TryGetValue(target[i - 1], out var child))
                {
                    return (null, null);
                }

                current = child;
            }

            if (context?.Find(prefix) is { } replaced)
            {
                if (replaced.Value is null)
                {
                    return (null, null);
                }

                current = replaced.Value;
            }

            if (i == target.Length || current is not ConfigObject)
            {
                if (inProgress.Contains(current))
                {
                    return (null, Chain(stack.FindIndex(e => ReferenceEquals(e.Node, current)), prefix));
                }

                current = Resolve(current, prefix, context);
                if (current is Undefined)
                {
                    return (null, null);
                }
            }
        }

        return (current, null);
    }

    private List<string> Chain(int from, ConfigPath? closing)
    {
        var chain = new List<string>();
        for (var i = Math.Max(from, 0); i < stack.Count; i++)
        {
            var p = stack[i].Path.ToString();
            if (chain.Count == 0 || chain[^1] != p)
            {
                chain.Add(p);
            }
        }

        if (closing is not null)
        {
            chain.Add(closing.ToString());
        }

        return chain;
    }

    /// <summary>A replacement of the value at one path while an element of a delayed merge resolves.</summary>
    private sealed class Overrides(ConfigPath path, ConfigNode? value, Overrides? parent)
    {
        public ConfigPath Path { get; } = path;

        /// <summary>The replacing value; null means the path counts as not set.</summary>
        public ConfigNode? Value { get; } = value;

        public Overrides? Parent { get; } = parent;

        public Overrides? Find(ConfigPath p)
        {
            for (var o = this; o is not null; o = o.Parent)
            {
                if (o.Path.Equals(p))
                {
                    return o;
                }
            }

            return null;
        }
    }

    private sealed class NodeContextComparer : IEqualityComparer<(ConfigNode Node, Overrides? Context)>
    {
        public bool Equals((ConfigNode Node, Overrides? Context) x, (ConfigNode Node, Overrides? Context) y) =>
            ReferenceEquals(x.Node, y.Node) && ReferenceEquals(x.Context, y.Context);

        public int GetHashCode((ConfigNode Node, Overrides? Context) obj) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Node), obj.Context is null ? 0 : RuntimeHelpers.GetHashCode(obj.Context));
    }
}
