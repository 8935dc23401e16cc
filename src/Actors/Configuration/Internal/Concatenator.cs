using System.Globalization;
using System.Text;

namespace QuicActors.Configuration.Internal;

/// <summary>
/// Value concatenation: simple values join into a string (keeping the whitespace between them), arrays
/// concatenate, objects merge. Done at parse time when no substitution is involved, else after resolution.
/// </summary>
internal static class Concatenator
{
    /// <summary>Longest string a concatenation may produce; guards against exponential growth through substitutions.</summary>
    public const int MaxStringLength = 1 << 24;

    /// <summary>Longest list a concatenation may produce, for the same reason.</summary>
    public const int MaxListLength = 1 << 20;

    public static ConfigNode JoinAtParse(List<ConfigNode> pieces, ConfigOrigin origin)
    {
        if (pieces.Exists(p => p is Substitution))
        {
            return new Concatenation(pieces, origin);
        }

        return Join(pieces, origin, path: null);
    }

    /// <summary>Joins resolved pieces (whitespace markers included); <see cref="Undefined"/> pieces count as empty strings.</summary>
    public static ConfigNode Join(List<ConfigNode> pieces, ConfigOrigin origin, ConfigPath? path)
    {
        var values = pieces.Where(p => p is not ConcatWhitespace and not Undefined).ToList();
        if (values.Count == 0)
        {
            // Only undefined optional substitutions (and whitespace): still a concatenation, so a string.
            return new ConfigString(string.Concat(pieces.OfType<ConcatWhitespace>().Select(w => w.Text)), origin);
        }

        var anyList = values.Exists(v => v is ConfigList);
        var anyObject = values.Exists(v => v is ConfigObject);
        if (anyList || anyObject)
        {
            // An object with numeric keys converts to an array where an array is expected.
            if (anyList && anyObject)
            {
                values = values.ConvertAll(v => v is ConfigObject o && NumericObjectToList(o) is { } l ? l : v);
            }

            var odd = values.Find(v => anyList ? v is not ConfigList : v is not ConfigObject);
            if (odd is not null)
            {
                var what = anyList ? "a list" : "an object";
                var from = odd.Origin == origin ? string.Empty : $" (from {odd.Origin})";
                throw new ConfigException(
                    $"{Where(path, origin)}cannot concatenate {what} with {odd.Describe()}{from}; lists concatenate only with lists and objects only with objects",
                    path?.ToString(),
                    origin);
            }

            if (anyList)
            {
                var items = new List<ConfigNode>();
                foreach (ConfigList l in values)
                {
                    if (items.Count + l.Items.Count > MaxListLength)
                    {
                        throw new ConfigException($"{Where(path, origin)}concatenation produces a list longer than {MaxListLength} elements", path?.ToString(), origin);
                    }

                    items.AddRange(l.Items);
                }

                return new ConfigList(values[0].Origin, items);
            }

            var merged = (ConfigNode)values[^1];
            for (var i = values.Count - 2; i >= 0; i--)
            {
                merged = Merger.Merge(merged, values[i]);
            }

            return merged;
        }

        var sb = new StringBuilder();
        foreach (var p in pieces)
        {
            var text = p switch
            {
                ConcatWhitespace w => w.Text,
                Undefined => string.Empty,
                _ => p.ConcatenationText ?? string.Empty,
            };
            if (sb.Length + text.Length > MaxStringLength)
            {
                throw new ConfigException($"{Where(path, origin)}concatenation produces a string longer than {MaxStringLength} characters", path?.ToString(), origin);
            }

            sb.Append(text);
        }

        return new ConfigString(sb.ToString(), origin);
    }

    private static string Where(ConfigPath? path, ConfigOrigin origin) => path is null ? $"{origin}: " : $"{path} ({origin}): ";

    /// <summary>
    /// <c>{ "0": a, "1": b }</c> as <c>[a, b]</c>: keys that are non-negative integers, in numeric order,
    /// others ignored; null when there is no such key.
    /// </summary>
    public static ConfigList? NumericObjectToList(ConfigObject o)
    {
        var indexed = new List<(long Index, ConfigNode Value)>();
        foreach (var (k, v) in o.Fields)
        {
            if (k.Length > 0 && k.All(char.IsAsciiDigit) && long.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            {
                indexed.Add((i, v));
            }
        }

        if (indexed.Count == 0)
        {
            return null;
        }

        indexed.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new ConfigList(o.Origin, indexed.ConvertAll(x => x.Value));
    }
}
