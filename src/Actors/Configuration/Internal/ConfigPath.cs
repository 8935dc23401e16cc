using System.Text;

namespace QuicActors.Configuration.Internal;

/// <summary>A parsed path expression: the keys leading from the root to a value.</summary>
internal sealed class ConfigPath : IEquatable<ConfigPath>
{
    public static readonly ConfigPath Root = new([]);

    public ConfigPath(string[] elements)
    {
        Elements = elements;
    }

    public string[] Elements { get; }

    public int Length => Elements.Length;

    public bool IsRoot => Elements.Length == 0;

    public string this[int index] => Elements[index];

    /// <summary>Parses a path expression as written in a key or a substitution: <c>a.b."c.d"</c>.</summary>
    public static ConfigPath Parse(string expression)
    {
        try
        {
            var tokens = new Lexer(expression, new ConfigOrigin("path expression", 1), ConfigSyntax.Hocon).Tokenize();
            var inner = tokens.Where(t => t.Kind != TokenKind.Eof).ToList();
            if (inner.Count == 0 || inner.Exists(t => t.Kind == TokenKind.Newline))
            {
                throw new ConfigException($"invalid path expression \"{expression}\": it must be one line of keys separated by '.'");
            }

            return Parser.PathFromTokens(inner, new ConfigOrigin("path expression", 1), expression);
        }
        catch (ConfigException e) when (!e.Message.StartsWith("invalid path", StringComparison.Ordinal))
        {
            throw new ConfigException($"invalid path expression \"{expression}\": {e.Message}", e);
        }
    }

    public ConfigPath Append(string key) => new([.. Elements, key]);

    public ConfigPath Concat(ConfigPath other) => other.IsRoot ? this : IsRoot ? other : new([.. Elements, .. other.Elements]);

    public ConfigPath Prefix(int length) => length == Elements.Length ? this : new(Elements[..length]);

    public bool StartsWith(ConfigPath prefix)
    {
        if (prefix.Length > Length)
        {
            return false;
        }

        for (var i = 0; i < prefix.Length; i++)
        {
            if (!string.Equals(Elements[i], prefix.Elements[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public bool Equals(ConfigPath? other) => other is not null && other.Length == Length && StartsWith(other);

    public override bool Equals(object? obj) => obj is ConfigPath p && Equals(p);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var e in Elements)
        {
            h.Add(e, StringComparer.Ordinal);
        }

        return h.ToHashCode();
    }

    /// <summary>Renders the path so that it parses back to the same elements.</summary>
    public override string ToString()
    {
        if (IsRoot)
        {
            return "(root)";
        }

        var sb = new StringBuilder();
        for (var i = 0; i < Elements.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('.');
            }

            sb.Append(Renderer.Key(Elements[i]));
        }

        return sb.ToString();
    }
}
