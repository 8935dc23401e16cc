using QuicActors.Configuration.Internal;

namespace QuicActors.Configuration;

/// <summary>
/// An immutable configuration tree parsed from HOCON, JSON or properties. Layer configurations with
/// <see cref="WithFallback"/>, resolve substitutions once with <see cref="Resolve"/>, then read typed values
/// by path (<c>quic-actors.actor.ask-timeout</c>). Every failure is a <see cref="ConfigException"/> that names
/// the full path, the origin (file:line) and what was expected.
/// </summary>
public sealed partial class Config
{
    internal Config(ConfigObject root, ConfigPath prefix)
    {
        Root = root;
        Prefix = prefix;
    }

    /// <summary>A configuration with no settings.</summary>
    public static Config Empty { get; } = new(new ConfigObject(new ConfigOrigin("empty config", 0)), ConfigPath.Root);

    internal ConfigObject Root { get; }

    /// <summary>Where this configuration sits inside the one it was taken from (see <see cref="GetConfig"/>), for messages.</summary>
    internal ConfigPath Prefix { get; }

    /// <summary>True when no substitution is left to resolve.</summary>
    public bool IsResolved => Root.IsResolved;

    /// <summary>True when the root object has no fields.</summary>
    public bool IsEmpty => Root.Fields.Count == 0;

    /// <summary>The keys of the root object, in the order they were first defined.</summary>
    public IReadOnlyList<string> Keys => [.. Root.Fields.Keys];

    /// <summary>
    /// Returns this configuration with <paramref name="fallback"/> underneath: objects merge key by key, and
    /// any other value here hides the fallback's value at the same path. Substitutions in either may refer to
    /// the other once the result is resolved.
    /// </summary>
    public Config WithFallback(Config fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        return fallback.IsEmpty ? this : new(Merger.MergeObjects(Root, fallback.Root), Prefix);
    }

    /// <summary>Resolves every substitution; with <see cref="ConfigResolveOptions.Default"/>, missing ones fall back to environment variables.</summary>
    public Config Resolve(ConfigResolveOptions? options = null)
    {
        if (IsResolved)
        {
            return this;
        }

        return Guarded(() => new Config(new Resolver(Root, options ?? ConfigResolveOptions.Default).ResolveRoot(), Prefix), "resolving substitutions");
    }

    /// <summary>True when the path is set to a value other than null (false when it would lead through a non-object).</summary>
    public bool HasPath(string path) => TryFindNode(path) is { } n && n is not ConfigNull;

    /// <summary>True when the path is set, null included.</summary>
    public bool HasPathOrNull(string path) => TryFindNode(path) is not null;

    /// <summary>True when the path is set to null.</summary>
    public bool IsNull(string path) => TryFindNode(path) is ConfigNull;

    /// <summary>How the value at <paramref name="path"/> reads in a message ("5s", 42, null, nothing) and where it was written.</summary>
    internal (string Shown, ConfigOrigin? Origin) Describe(string path) =>
        TryFindNode(path) is { } node ? (node.Describe(), node.Origin) : ("nothing", null);

    /// <summary>Where the value at <paramref name="path"/> was written.</summary>
    public ConfigOrigin GetOrigin(string path) => GetNode(path, "a value").Origin;

    /// <summary>Writes the configuration as HOCON (default) or JSON; parsing the output gives an equal configuration.</summary>
    public string Render(ConfigRenderOptions? options = null) => Renderer.Render(Root, options ?? ConfigRenderOptions.Hocon);

    /// <summary>Writes the configuration as indented JSON.</summary>
    public string RenderJson() => Render(ConfigRenderOptions.Json);

    /// <inheritdoc />
    public override string ToString() => IsResolved ? Render() : "Config(unresolved)";

    internal static T Guarded<T>(Func<T> action, string what)
    {
        try
        {
            return action();
        }
        catch (ConfigException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ConfigException($"unexpected failure while {what}: {e.GetType().Name}: {e.Message}", e);
        }
    }

    private string Full(ConfigPath path) => Prefix.Concat(path).ToString();

    private static ConfigPath ParsePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Guarded(() => ConfigPath.Parse(path), "parsing a path");
    }

    /// <summary>The node at <paramref name="path"/>, or null when nothing is set there or a non-object is in the way.</summary>
    private ConfigNode? TryFindNode(string path) => FindNode(ParsePath(path), out _, throwOnNonObject: false);

    private ConfigNode? FindNode(ConfigPath path, out ConfigObject parent, bool throwOnNonObject = true)
    {
        parent = Root;
        ConfigNode current = Root;
        for (var i = 0; i < path.Length; i++)
        {
            if (current is not ConfigObject obj)
            {
                if (!throwOnNonObject)
                {
                    return null;
                }

                var at = Full(path.Prefix(i));
                throw new ConfigException(
                    $"{at} ({current.Origin}): expected an object (to reach {Full(path)}), got {current.Describe()}",
                    at,
                    current.Origin);
            }

            parent = obj;
            if (!obj.Fields.TryGetValue(path[i], out var child))
            {
                return null;
            }

            current = child;
        }

        if (!current.IsResolved)
        {
            var full = Full(path);
            throw new ConfigException($"{full} ({current.Origin}): the value contains unresolved substitutions; call Resolve() before reading it", full, current.Origin);
        }

        return current;
    }

    /// <summary>The non-null node at <paramref name="path"/>, or an exception naming what was expected.</summary>
    private ConfigNode GetNode(string path, string expected)
    {
        var parsed = ParsePath(path);
        var node = FindNode(parsed, out var parent);
        var full = Full(parsed);
        if (node is null)
        {
            throw new ConfigException($"{full} ({parent.Origin}): expected {expected}, got nothing: the path is not set", full, parent.Origin);
        }

        if (node is ConfigNull)
        {
            throw new ConfigException($"{full} ({node.Origin}): expected {expected}, got null", full, node.Origin);
        }

        return node;
    }

    private (ConfigNode Node, string FullPath) GetNodeWithPath(string path, string expected)
    {
        var node = GetNode(path, expected);
        return (node, Full(ParsePath(path)));
    }
}
