using System.Globalization;
using System.Text;

namespace QuicActors.Configuration.Internal;

/// <summary>
/// Java-style .properties: keys split on every '.' (keeping empty elements), values always strings, and where a
/// key is both a value and a parent of other keys the object wins, as the HOCON spec's properties mapping says.
/// </summary>
internal static class PropertiesParser
{
    public static ConfigObject Parse(string text, ConfigOrigin origin)
    {
        var root = new ConfigObject(origin);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var startLine = i + 1;
            var logical = new StringBuilder(lines[i].TrimEnd('\r').TrimStart(' ', '\t', '\f'));
            if (logical.Length == 0 || logical[0] is '#' or '!')
            {
                continue;
            }

            // A line ending in an odd number of backslashes continues on the next line.
            while (EndsWithContinuation(logical) && i + 1 < lines.Length)
            {
                logical.Length--;
                i++;
                logical.Append(lines[i].TrimEnd('\r').TrimStart(' ', '\t', '\f'));
            }

            if (EndsWithContinuation(logical))
            {
                logical.Length--;
            }

            var (key, value) = SplitKeyValue(logical.ToString(), origin.WithLine(startLine));
            var path = new ConfigPath(key.Split('.'));
            Put(root, path, new ConfigString(value, origin.WithLine(startLine)));
        }

        return root;
    }

    private static bool EndsWithContinuation(StringBuilder sb)
    {
        var count = 0;
        for (var i = sb.Length - 1; i >= 0 && sb[i] == '\\'; i--)
        {
            count++;
        }

        return count % 2 == 1;
    }

    private static (string Key, string Value) SplitKeyValue(string line, ConfigOrigin at)
    {
        var key = new StringBuilder();
        var i = 0;
        for (; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\' && i + 1 < line.Length)
            {
                i++;
                key.Append(Unescape(line, ref i, at));
                continue;
            }

            if (c is '=' or ':' or ' ' or '\t' or '\f')
            {
                break;
            }

            key.Append(c);
        }

        // Separator: whitespace, optionally one '=' or ':', then whitespace.
        while (i < line.Length && line[i] is ' ' or '\t' or '\f')
        {
            i++;
        }

        if (i < line.Length && line[i] is '=' or ':')
        {
            i++;
        }

        while (i < line.Length && line[i] is ' ' or '\t' or '\f')
        {
            i++;
        }

        var value = new StringBuilder();
        for (; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\' && i + 1 < line.Length)
            {
                i++;
                value.Append(Unescape(line, ref i, at));
                continue;
            }

            value.Append(c);
        }

        return (key.ToString(), value.ToString());
    }

    private static char Unescape(string line, ref int i, ConfigOrigin at)
    {
        var e = line[i];
        switch (e)
        {
            case 't': return '\t';
            case 'n': return '\n';
            case 'r': return '\r';
            case 'f': return '\f';
            case 'u':
                if (i + 4 >= line.Length || !int.TryParse(line.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    throw new ConfigException($"{at}: malformed \\uXXXX escape in properties line", null, at);
                }

                i += 4;
                return (char)code;
            default:
                return e;
        }
    }

    private static void Put(ConfigObject root, ConfigPath path, ConfigString value)
    {
        var obj = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            if (obj.Fields.TryGetValue(path[i], out var child) && child is ConfigObject childObject)
            {
                obj = childObject;
                continue;
            }

            // The object wins over a string set earlier at the same key.
            var created = new ConfigObject(value.Origin);
            obj.Fields[path[i]] = created;
            obj = created;
        }

        var last = path[^1];
        if (obj.Fields.TryGetValue(last, out var existing) && existing is ConfigObject)
        {
            return;
        }

        obj.Fields[last] = value;
    }
}
