namespace QuicActors.Configuration.Internal;

/// <summary>
/// Merging of two values for the same key: objects merge field by field, anything else hides what it
/// overrides, and values that are not known until substitution become a <see cref="DelayedMerge"/>.
/// </summary>
internal static class Merger
{
    public static bool IsPending(ConfigNode node) => node is Substitution or Concatenation or DelayedMerge;

    /// <summary>Merges <paramref name="newer"/> over <paramref name="older"/>; neither input is modified.</summary>
    public static ConfigNode Merge(ConfigNode newer, ConfigNode older)
    {
        if (newer is ConfigObject newObject)
        {
            if (older is ConfigObject oldObject)
            {
                return MergeObjects(newObject, oldObject);
            }

            if (IsPending(older))
            {
                return newObject.IgnoresFallbacks ? newer : new DelayedMerge([newer, .. Flatten(older)]);
            }

            return newObject.IgnoresFallbacks
                ? newer
                : new ConfigObject(newObject.Origin, new OrderedDictionary<string, ConfigNode>(newObject.Fields, StringComparer.Ordinal)) { IgnoresFallbacks = true };
        }

        return IsPending(newer) ? new DelayedMerge([.. Flatten(newer), .. Flatten(older)]) : newer;
    }

    public static ConfigObject MergeObjects(ConfigObject newer, ConfigObject older)
    {
        if (newer.IgnoresFallbacks)
        {
            return newer;
        }

        var fields = new OrderedDictionary<string, ConfigNode>(older.Fields, StringComparer.Ordinal);
        foreach (var (k, v) in newer.Fields)
        {
            fields[k] = fields.TryGetValue(k, out var existing) ? Merge(v, existing) : v;
        }

        return new ConfigObject(newer.Origin, fields) { IgnoresFallbacks = older.IgnoresFallbacks };
    }

    private static List<ConfigNode> Flatten(ConfigNode node) => node is DelayedMerge dm ? dm.Stack : [node];

    /// <summary>
    /// Fixes up substitutions of an included document for the place it was included at: <c>${x}</c> in a file
    /// included inside <c>a</c> looks up <c>a.x</c> first and <c>x</c> second.
    /// </summary>
    public static ConfigNode Relativize(ConfigNode node, ConfigPath prefix) => node switch
    {
        Substitution s => new Substitution(prefix.Concat(s.Path), s.Original, s.Optional, s.Origin),
        ConfigObject o when !o.IsResolved => RelativizeObject(o, prefix),
        ConfigList l when !l.IsResolved => new ConfigList(l.Origin, l.Items.ConvertAll(i => Relativize(i, prefix))),
        Concatenation c => new Concatenation(c.Pieces.ConvertAll(p => Relativize(p, prefix)), c.Origin),
        DelayedMerge d => new DelayedMerge(d.Stack.ConvertAll(p => Relativize(p, prefix))),
        _ => node,
    };

    private static ConfigObject RelativizeObject(ConfigObject o, ConfigPath prefix)
    {
        var fields = new OrderedDictionary<string, ConfigNode>(StringComparer.Ordinal);
        foreach (var (k, v) in o.Fields)
        {
            fields[k] = Relativize(v, prefix);
        }

        return new ConfigObject(o.Origin, fields);
    }
}
