using System.Globalization;

namespace QuicActors.Configuration.Internal;

/// <summary>A node of the configuration tree, resolved (JSON values) or not (substitutions, concatenations, merges).</summary>
internal abstract class ConfigNode(ConfigOrigin origin)
{
    public ConfigOrigin Origin { get; } = origin;

    public abstract bool IsResolved { get; }

    /// <summary>Short description for "expected X, got Y" messages.</summary>
    public abstract string Describe();

    /// <summary>The text used when this simple value takes part in a string concatenation; null for objects and lists.</summary>
    public virtual string? ConcatenationText => null;
}

internal sealed class ConfigString(string value, ConfigOrigin origin) : ConfigNode(origin)
{
    public string Value { get; } = value;

    public override bool IsResolved => true;

    public override string? ConcatenationText => Value;

    public override string Describe() => Renderer.Quote(Value.Length > 60 ? Value[..60] + "..." : Value);
}

internal sealed class ConfigNumber : ConfigNode
{
    public ConfigNumber(string text, ConfigOrigin origin)
        : base(origin)
    {
        Text = text;
        if (text.AsSpan().IndexOfAny(".eE") < 0 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            IsIntegral = true;
            LongValue = l;
            DoubleValue = l;
        }
        else
        {
            DoubleValue = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The number as written in the file; kept for concatenation and rendering.</summary>
    public string Text { get; }

    public bool IsIntegral { get; }

    public long LongValue { get; }

    public double DoubleValue { get; }

    public override bool IsResolved => true;

    public override string? ConcatenationText => Text;

    public override string Describe() => Text;
}

internal sealed class ConfigBoolean(bool value, ConfigOrigin origin) : ConfigNode(origin)
{
    public bool Value { get; } = value;

    public override bool IsResolved => true;

    public override string? ConcatenationText => Value ? "true" : "false";

    public override string Describe() => Value ? "true" : "false";
}

internal sealed class ConfigNull(ConfigOrigin origin) : ConfigNode(origin)
{
    public override bool IsResolved => true;

    public override string? ConcatenationText => "null";

    public override string Describe() => "null";
}

internal sealed class ConfigObject : ConfigNode
{
    private bool? resolved;

    public ConfigObject(ConfigOrigin origin)
        : base(origin)
    {
        Fields = new OrderedDictionary<string, ConfigNode>(StringComparer.Ordinal);
    }

    public ConfigObject(ConfigOrigin origin, OrderedDictionary<string, ConfigNode> fields)
        : base(origin)
    {
        Fields = fields;
    }

    /// <summary>Mutated only while the object is being built (parser, merger, resolver); read-only afterwards.</summary>
    public OrderedDictionary<string, ConfigNode> Fields { get; }

    public override bool IsResolved
    {
        get
        {
            if (resolved is { } r)
            {
                return r;
            }

            var all = true;
            foreach (var (_, v) in Fields)
            {
                if (!v.IsResolved)
                {
                    all = false;
                    break;
                }
            }

            resolved = all;
            return all;
        }
    }

    public override string Describe() => "an object";

    /// <summary>
    /// Set when this object replaced a non-object value: that value hid everything below it, so later
    /// fallbacks must not merge in either (the spec's "merging is done in pairs").
    /// </summary>
    public bool IgnoresFallbacks { get; init; }

    public void Invalidate() => resolved = null;
}

internal sealed class ConfigList(ConfigOrigin origin, List<ConfigNode> items) : ConfigNode(origin)
{
    private bool? resolved;

    public List<ConfigNode> Items { get; } = items;

    public override bool IsResolved => resolved ??= Items.TrueForAll(static i => i.IsResolved);

    public override string Describe() => "a list";
}

/// <summary><c>${path}</c> or <c>${?path}</c>; <see cref="Path"/> is fixed up when its file was included below the root.</summary>
internal sealed class Substitution(ConfigPath path, ConfigPath original, bool optional, ConfigOrigin origin) : ConfigNode(origin)
{
    public ConfigPath Path { get; } = path;

    /// <summary>The path as written, looked up when the fixed-up <see cref="Path"/> is not found.</summary>
    public ConfigPath Original { get; } = original;

    public bool Optional { get; } = optional;

    public override bool IsResolved => false;

    public override string Describe() => $"${{{(Optional ? "?" : string.Empty)}{Original}}}";
}

/// <summary>Whitespace between two pieces of a concatenation; kept only between simple values.</summary>
internal sealed class ConcatWhitespace(string text, ConfigOrigin origin) : ConfigNode(origin)
{
    public string Text { get; } = text;

    public override bool IsResolved => false;

    public override string Describe() => "whitespace";
}

/// <summary>Values written next to each other, at least one of them a substitution (others are joined at parse time).</summary>
internal sealed class Concatenation(List<ConfigNode> pieces, ConfigOrigin origin) : ConfigNode(origin)
{
    public List<ConfigNode> Pieces { get; } = pieces;

    public override bool IsResolved => false;

    public override string Describe() => "a concatenation";
}

/// <summary>
/// Values for one key that cannot be merged before substitution: <see cref="Stack"/>[0] has the highest
/// priority. A self-reference in an element sees the merge of the elements below it.
/// </summary>
internal sealed class DelayedMerge(List<ConfigNode> stack) : ConfigNode(stack[0].Origin)
{
    public List<ConfigNode> Stack { get; } = stack;

    public override bool IsResolved => false;

    public override string Describe() => "a merge of several values";
}

/// <summary>The result of an optional substitution that found nothing: the field or element disappears.</summary>
internal sealed class Undefined : ConfigNode
{
    public static readonly Undefined Instance = new();

    private Undefined()
        : base(new ConfigOrigin("undefined", 0))
    {
    }

    public override bool IsResolved => true;

    public override string Describe() => "nothing";
}
