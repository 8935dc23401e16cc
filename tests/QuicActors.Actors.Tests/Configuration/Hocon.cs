using System.Globalization;
using System.Text;
using QuicActors.Configuration;
using QuicActors.Configuration.Internal;

namespace QuicActors.Actors.Tests.Configuration;

/// <summary>Test helpers: parse and resolve without the environment, and compare trees through a canonical form.</summary>
internal static class Hocon
{
    public static Config Parse(string text) => ConfigFactory.ParseString(text).Resolve(ConfigResolveOptions.NoEnvironment);

    public static Config Json(string text) =>
        ConfigFactory.ParseString(text, ConfigParseOptions.Default with { Syntax = ConfigSyntax.Json }).Resolve(ConfigResolveOptions.NoEnvironment);

    /// <summary>Canonical compact form: keys sorted, numbers by value, strings quoted.</summary>
    public static string Canon(Config config) => Canon(config.Root);

    public static string Canon(ConfigNode node)
    {
        var sb = new StringBuilder();
        Write(node, sb);
        return sb.ToString();
    }

    /// <summary>Asserts that <paramref name="hocon"/> resolves to the same tree as <paramref name="json"/>.</summary>
    public static void Same(string json, string hocon) => Assert.Equal(Canon(Json(json)), Canon(Parse(hocon)));

    public static ConfigException Fails(string hocon) => Assert.Throws<ConfigException>(() => Parse(hocon));

    private static void Write(ConfigNode node, StringBuilder sb)
    {
        switch (node)
        {
            case ConfigObject o:
                sb.Append('{');
                var first = true;
                foreach (var k in o.Fields.Keys.Order(StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    sb.Append(Renderer.Quote(k)).Append(':');
                    Write(o.Fields[k], sb);
                }

                sb.Append('}');
                break;
            case ConfigList l:
                sb.Append('[');
                for (var i = 0; i < l.Items.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Write(l.Items[i], sb);
                }

                sb.Append(']');
                break;
            case ConfigString s:
                sb.Append(Renderer.Quote(s.Value));
                break;
            case ConfigNumber n:
                sb.Append(n.IsIntegral ? n.LongValue.ToString(CultureInfo.InvariantCulture) : n.DoubleValue.ToString("R", CultureInfo.InvariantCulture));
                break;
            case ConfigBoolean b:
                sb.Append(b.Value ? "true" : "false");
                break;
            case ConfigNull:
                sb.Append("null");
                break;
            default:
                sb.Append('<').Append(node.GetType().Name).Append('>');
                break;
        }
    }
}
