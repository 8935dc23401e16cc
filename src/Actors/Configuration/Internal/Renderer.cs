using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace QuicActors.Configuration.Internal;

/// <summary>Writes a tree back as HOCON or JSON such that parsing the output gives an equal tree.</summary>
internal static class Renderer
{
    private const string Indent = "    ";

    /// <summary>
    /// Longest output produced: substitutions can make a small file denote a huge tree (the same object
    /// referenced twice per level), which must fail rather than run for hours.
    /// </summary>
    private const int MaxOutputLength = 1 << 25;

    public static string Render(ConfigObject root, ConfigRenderOptions options)
    {
        var sb = new StringBuilder();
        if (options.AsJson)
        {
            RenderJson(root, sb, 0);
        }
        else
        {
            // The root object's braces are omitted, as HOCON allows.
            RenderFields(root, sb, 0, options);
        }

        sb.Append('\n');
        return sb.ToString();
    }

    /// <summary>A JSON string literal, escaping quotes, backslashes and control characters.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                sb.Append(c).Append(s[++i]);
                continue;
            }

            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < ' ' || c == '\u2028' || c == '\u2029' || char.IsSurrogate(c))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>A key as one path element: bare when that is unambiguous, quoted otherwise.</summary>
    public static string Key(string key)
    {
        if (key.Length == 0 || !(char.IsAsciiLetter(key[0]) || key[0] == '_')
            || key.StartsWith("true", StringComparison.Ordinal) || key.StartsWith("false", StringComparison.Ordinal)
            || key.StartsWith("null", StringComparison.Ordinal) || key == "include")
        {
            return Quote(key);
        }

        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return Quote(key);
            }
        }

        return key;
    }

    private static void Guard(StringBuilder sb)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new ConfigException("configuration is nested too deeply to render");
        }

        if (sb.Length > MaxOutputLength)
        {
            throw new ConfigException($"configuration renders to more than {MaxOutputLength} characters; substitutions probably repeat a large value many times");
        }
    }

    private static void RenderFields(ConfigObject obj, StringBuilder sb, int depth, ConfigRenderOptions options)
    {
        var first = true;
        foreach (var (k, v) in obj.Fields)
        {
            if (!first)
            {
                sb.Append('\n');
            }

            first = false;
            if (options.OriginComments)
            {
                AppendIndent(sb, depth);
                sb.Append("# ").Append(v.Origin.ToString().Replace('\n', ' ')).Append('\n');
            }

            AppendIndent(sb, depth);
            sb.Append(Key(k));
            sb.Append(v is ConfigObject ? " " : " = ");
            RenderHocon(v, sb, depth, options);
        }
    }

    private static void RenderHocon(ConfigNode node, StringBuilder sb, int depth, ConfigRenderOptions options)
    {
        Guard(sb);
        switch (node)
        {
            case ConfigObject o:
                if (o.Fields.Count == 0)
                {
                    sb.Append("{}");
                    return;
                }

                sb.Append("{\n");
                RenderFields(o, sb, depth + 1, options);
                sb.Append('\n');
                AppendIndent(sb, depth);
                sb.Append('}');
                return;
            case ConfigList l:
                RenderList(l, sb, depth, (item, d) => RenderHocon(item, sb, d, options));
                return;
            case Substitution s:
                sb.Append(s.Optional ? "${?" : "${").Append(s.Path).Append('}');
                return;
            case Concatenation c:
                foreach (var p in c.Pieces)
                {
                    if (p is ConcatWhitespace w)
                    {
                        sb.Append(w.Text);
                    }
                    else
                    {
                        RenderHocon(p, sb, depth, options);
                    }
                }

                return;
            case DelayedMerge d:
                throw new ConfigException($"{d.Origin}: cannot render a value merged from several definitions before substitutions are resolved; call Resolve() first", null, d.Origin);
            case ConfigString str when IsSafeUnquoted(str.Value):
                sb.Append(str.Value);
                return;
            default:
                RenderScalar(node, sb);
                return;
        }
    }

    /// <summary>
    /// Whether a string value can be written bare (<c>5s</c>, <c>on</c>, <c>drain-then-stop</c>) and still read back
    /// as the same string: it lexes, without whitespace, into pieces that are not one lone number, boolean or null.
    /// </summary>
    private static bool IsSafeUnquoted(string value)
    {
        if (value.Length is 0 or > 64 || !char.IsAsciiLetterOrDigit(value[0]) || value.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
            {
                return false;
            }
        }

        List<Token> tokens;
        try
        {
            tokens = new Lexer(value, new ConfigOrigin("render", 1), ConfigSyntax.Hocon).Tokenize();
        }
        catch (ConfigException)
        {
            return false;
        }

        return tokens.Count > 2 || tokens[0].Kind == TokenKind.Unquoted;
    }

    private static void RenderJson(ConfigNode node, StringBuilder sb, int depth)
    {
        Guard(sb);
        switch (node)
        {
            case ConfigObject o:
                if (o.Fields.Count == 0)
                {
                    sb.Append("{}");
                    return;
                }

                sb.Append("{\n");
                var i = 0;
                foreach (var (k, v) in o.Fields)
                {
                    AppendIndent(sb, depth + 1);
                    sb.Append(Quote(k)).Append(" : ");
                    RenderJson(v, sb, depth + 1);
                    sb.Append(++i < o.Fields.Count ? ",\n" : "\n");
                }

                AppendIndent(sb, depth);
                sb.Append('}');
                return;
            case ConfigList l:
                RenderList(l, sb, depth, (item, d) => RenderJson(item, sb, d));
                return;
            case Substitution or Concatenation or DelayedMerge:
                throw new ConfigException($"{node.Origin}: JSON cannot express the unresolved {node.Describe()}; call Resolve() first", null, node.Origin);
            default:
                RenderScalar(node, sb);
                return;
        }
    }

    private static void RenderList(ConfigList list, StringBuilder sb, int depth, Action<ConfigNode, int> renderItem)
    {
        if (list.Items.Count == 0)
        {
            sb.Append("[]");
            return;
        }

        sb.Append("[\n");
        for (var i = 0; i < list.Items.Count; i++)
        {
            AppendIndent(sb, depth + 1);
            renderItem(list.Items[i], depth + 1);
            sb.Append(i < list.Items.Count - 1 ? ",\n" : "\n");
        }

        AppendIndent(sb, depth);
        sb.Append(']');
    }

    private static void RenderScalar(ConfigNode node, StringBuilder sb)
    {
        switch (node)
        {
            case ConfigString s:
                sb.Append(Quote(s.Value));
                break;
            case ConfigNumber n:
                sb.Append(n.Text);
                break;
            case ConfigBoolean b:
                sb.Append(b.Value ? "true" : "false");
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    private static void AppendIndent(StringBuilder sb, int depth)
    {
        for (var i = 0; i < depth; i++)
        {
            sb.Append(Indent);
        }
    }
}
