using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using QuicActors.Configuration;

namespace QuicActors.Hosting;

/// <summary>
/// Lays an <see cref="IConfiguration"/> section over HOCON: every value in the section overrides the HOCON key of the
/// same path below <c>quic-actors</c>, so appsettings.json, environment variables (<c>QuicActors__hosting__listener__port</c>)
/// and command-line switches can change any setting without a HOCON file.
/// </summary>
/// <remarks>
/// Path segments are separated by ':' as usual; PascalCase or camelCase segments are turned into HOCON's kebab-case
/// (<c>Listener:ShutdownGracePeriod</c> is <c>listener.shutdown-grace-period</c>), kebab-case segments are kept. A section whose
/// children are numbered 0, 1, 2... is a list. Values stay strings; the settings binders convert them (numbers,
/// durations such as "2s", sizes such as "64KiB", booleans) and name the offending path and this origin when they cannot.
/// </remarks>
public static class ConfigurationOverrides
{
    /// <summary>The configuration section <see cref="QuicActorsServiceCollectionExtensions.AddQuicActors(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{QuicActorsOptions}?)"/> reads by default.</summary>
    public const string DefaultSectionName = "QuicActors";

    /// <summary>The HOCON root the section's keys are placed under.</summary>
    public const string HoconRoot = "quic-actors";

    /// <summary>Returns <paramref name="hocon"/> with every value of <paramref name="section"/> laid over it (unresolved, like its input).</summary>
    /// <exception cref="ConfigException">The section holds a list of objects, which HOCON overrides cannot express here; the message names the key.</exception>
    public static Config Apply(Config hocon, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(hocon);
        ArgumentNullException.ThrowIfNull(section);
        var text = new StringBuilder();
        foreach (var child in section.GetChildren())
        {
            Render(child, [HoconRoot], text);
        }

        if (text.Length == 0)
        {
            return hocon;
        }

        var origin = section is IConfigurationSection named ? $"IConfiguration section '{named.Path}'" : "IConfiguration";
        return ConfigFactory.ParseString(text.ToString(), originDescription: origin).WithFallback(hocon);
    }

    /// <summary>Turns one IConfiguration key segment into its HOCON form: "ShutdownGracePeriod" → "shutdown-grace-period", "max-streams" unchanged.</summary>
    public static string ToHoconKey(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (segment.Contains('-', StringComparison.Ordinal) || !segment.Any(char.IsAsciiLetterUpper))
        {
            return segment;
        }

        var kebab = new StringBuilder(segment.Length + 8);
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (char.IsAsciiLetterUpper(c))
            {
                // A new word starts at an upper-case letter after a lower-case one or a digit, or before a lower-case one in an acronym run ("ALPNList").
                var startsWord = i > 0 && (!char.IsAsciiLetterUpper(segment[i - 1]) || (i + 1 < segment.Length && char.IsAsciiLetterLower(segment[i + 1])));
                if (startsWord && kebab.Length > 0 && kebab[^1] != '_')
                {
                    kebab.Append('-');
                }

                kebab.Append(char.ToLowerInvariant(c));
            }
            else
            {
                kebab.Append(c);
            }
        }

        return kebab.ToString();
    }

    private static void Render(IConfigurationSection section, List<string> parentPath, StringBuilder text)
    {
        var path = new List<string>(parentPath) { ToHoconKey(section.Key) };
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            if (section.Value is { } value)
            {
                AppendPath(path, text);
                text.Append(" = ");
                AppendQuoted(value, text);
                text.Append('\n');
            }

            return;
        }

        if (IsList(children))
        {
            AppendPath(path, text);
            text.Append(" = [");
            foreach (var item in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
            {
                if (item.GetChildren().Any())
                {
                    throw new ConfigException($"{section.Path}:{item.Key}: a list of objects cannot override a HOCON setting; give each setting its own key.");
                }

                AppendQuoted(item.Value ?? string.Empty, text);
                text.Append(", ");
            }

            text.Append("]\n");
            return;
        }

        foreach (var child in children)
        {
            Render(child, path, text);
        }
    }

    private static bool IsList(List<IConfigurationSection> children)
    {
        var indices = new HashSet<int>();
        foreach (var child in children)
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                return false;
            }

            indices.Add(index);
        }

        return Enumerable.Range(0, children.Count).All(indices.Contains);
    }

    private static void AppendPath(List<string> path, StringBuilder text)
    {
        for (var i = 0; i < path.Count; i++)
        {
            if (i > 0)
            {
                text.Append('.');
            }

            AppendQuoted(path[i], text);
        }
    }

    private static void AppendQuoted(string value, StringBuilder text)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}
