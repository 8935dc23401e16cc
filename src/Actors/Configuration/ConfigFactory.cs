using System.Reflection;
using QuicActors.Configuration.Internal;

namespace QuicActors.Configuration;

/// <summary>
/// Entry points: parse a string, file or stream; <see cref="Reference"/> for the defaults embedded in
/// QuicActors (<c>hocon/reference.conf</c>); <c>Load</c> for an application file over those defaults.
/// </summary>
public static class ConfigFactory
{
    /// <summary>Logical name of the embedded reference configuration.</summary>
    public const string ReferenceResourceName = "QuicActors.reference.conf";

    private static readonly Lazy<Config> ReferenceDocument = new(() => ParseResource(typeof(Config).Assembly, ReferenceResourceName, "reference.conf"));

    /// <summary>Parses HOCON (or the syntax in <paramref name="options"/>) from a string. The result is not resolved.</summary>
    public static Config ParseString(string text, ConfigParseOptions? options = null, string originDescription = "string")
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= ConfigParseOptions.Default;
        return Parse(() => DocumentLoader.ParseText(text, originDescription, options.Syntax, IncluderFor(options, null)), originDescription);
    }

    /// <summary>Parses a file; the syntax follows the extension unless given. Includes are relative to the file.</summary>
    public static Config ParseFile(string path, ConfigParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= ConfigParseOptions.Default;
        return Parse(
            () =>
            {
                if (!File.Exists(path))
                {
                    throw new ConfigException($"{path}: configuration file not found", null, new ConfigOrigin(path, 0));
                }

                var bytes = DocumentLoader.ReadFile(path, null);
                var syntax = options.Syntax != ConfigSyntax.Auto ? options.Syntax : SyntaxFromName(path);
                return DocumentLoader.Parse(bytes, path, syntax, IncluderFor(options, Path.GetFullPath(path)));
            },
            path);
    }

    /// <summary>Parses a stream of UTF-8 bytes (with or without BOM). Relative includes use <see cref="ConfigParseOptions.IncludeBaseDirectory"/>.</summary>
    public static Config ParseStream(Stream stream, string originDescription = "stream", ConfigParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= ConfigParseOptions.Default;
        return Parse(
            () =>
            {
                var bytes = DocumentLoader.ReadBounded(stream, originDescription);
                var syntax = options.Syntax != ConfigSyntax.Auto ? options.Syntax : SyntaxFromName(originDescription);
                return DocumentLoader.Parse(bytes, originDescription, syntax, IncluderFor(options, null));
            },
            originDescription);
    }

    /// <summary>Parses bytes (UTF-8, with or without BOM).</summary>
    public static Config ParseBytes(ReadOnlySpan<byte> bytes, string originDescription = "bytes", ConfigParseOptions? options = null)
    {
        options ??= ConfigParseOptions.Default;
        var syntax = options.Syntax != ConfigSyntax.Auto ? options.Syntax : SyntaxFromName(originDescription);
        string text;
        try
        {
            text = DocumentLoader.Decode(bytes, originDescription);
        }
        catch (ConfigException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ConfigException($"{originDescription}: {e.Message}", e);
        }

        return Parse(() => DocumentLoader.ParseText(text, originDescription, syntax, IncluderFor(options, null)), originDescription);
    }

    /// <summary>Parses an embedded resource of <paramref name="assembly"/> (exact logical name or classpath-style name).</summary>
    public static Config ParseResource(Assembly assembly, string name, string? originDescription = null)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(name);
        var description = originDescription ?? "resource:" + name;
        return Parse(
            () =>
            {
                var manifest = Includer.FindManifestResource(assembly, name)
                               ?? throw new ConfigException($"embedded resource \"{name}\" not found in {assembly.GetName().Name}");
                using var stream = assembly.GetManifestResourceStream(manifest)!;
                var options = ConfigParseOptions.Default with { ResourceAssemblies = [assembly] };
                return DocumentLoader.Parse(DocumentLoader.ReadBounded(stream, description), description, SyntaxFromName(name), Includer.ForResource(options, name));
            },
            description);
    }

    /// <summary>The QuicActors defaults (<c>reference.conf</c>), resolved by themselves.</summary>
    public static Config Reference(ConfigResolveOptions? options = null) => ReferenceDocument.Value.Resolve(options);

    /// <summary>The defaults as parsed, before substitution, for layering under other configurations.</summary>
    public static Config ReferenceUnresolved => ReferenceDocument.Value;

    /// <summary>
    /// The application configuration over the QuicActors defaults, resolved. <paramref name="applicationFile"/>
    /// null means <c>application.conf</c>/<c>.json</c>/<c>.properties</c> next to the program, if any.
    /// </summary>
    public static Config Load(string? applicationFile = null, ConfigResolveOptions? resolveOptions = null, ConfigParseOptions? parseOptions = null)
    {
        var app = applicationFile is not null
            ? ParseFile(applicationFile, parseOptions)
            : ParseString("include \"application\"", (parseOptions ?? ConfigParseOptions.Default) with { IncludeBaseDirectory = AppContext.BaseDirectory }, "application");
        return Load(app, resolveOptions);
    }

    /// <summary>An already parsed application configuration over the QuicActors defaults, resolved.</summary>
    public static Config Load(Config application, ConfigResolveOptions? resolveOptions = null)
    {
        ArgumentNullException.ThrowIfNull(application);
        return application.WithFallback(ReferenceDocument.Value).Resolve(resolveOptions);
    }

    private static ConfigSyntax SyntaxFromName(string name) =>
        name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ConfigSyntax.Json
        : name.EndsWith(".properties", StringComparison.OrdinalIgnoreCase) ? ConfigSyntax.Properties
        : ConfigSyntax.Hocon;

    private static Includer? IncluderFor(ConfigParseOptions options, string? fullPath) =>
        !options.AllowIncludes ? null : fullPath is null ? Includer.ForText(options) : Includer.ForFile(options, fullPath);

    private static Config Parse(Func<ConfigNode> parse, string description)
    {
        var node = Config.Guarded(parse, "parsing " + description);
        return node switch
        {
            ConfigObject o => new Config(o, ConfigPath.Root),
            _ => throw new ConfigException($"{description}: the document is an array; a configuration must be an object at its root", null, node.Origin),
        };
    }
}
