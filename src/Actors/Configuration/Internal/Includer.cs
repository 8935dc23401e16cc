using System.Reflection;
using System.Text;

namespace QuicActors.Configuration.Internal;

internal enum IncludeKind
{
    Heuristic,
    File,
    Classpath,
    Url,
}

/// <summary>
/// Loads documents for <c>include</c> statements: files relative to the including file, embedded resources
/// for <c>classpath()</c> (relative to the including resource), and probing of .properties, .json and .conf
/// when the name has no extension. <c>url()</c> is refused.
/// </summary>
internal sealed class Includer
{
    private const int MaxIncludeDepth = 32;
    private static readonly string[] KnownExtensions = [".properties", ".json", ".conf"];

    private readonly ConfigParseOptions options;
    private readonly string? currentFile;
    private readonly string? currentResource;
    private readonly IReadOnlyList<string> chain;

    private Includer(ConfigParseOptions options, string? currentFile, string? currentResource, IReadOnlyList<string> chain)
    {
        this.options = options;
        this.currentFile = currentFile;
        this.currentResource = currentResource;
        this.chain = chain;
    }

    public static Includer ForFile(ConfigParseOptions options, string fullPath) => new(options, fullPath, null, [fullPath]);

    public static Includer ForResource(ConfigParseOptions options, string resourceName) => new(options, null, resourceName, ["resource:" + resourceName]);

    public static Includer ForText(ConfigParseOptions options) => new(options, null, null, []);

    private IReadOnlyList<Assembly> Assemblies =>
        options.ResourceAssemblies.Count > 0 ? options.ResourceAssemblies : [typeof(Config).Assembly];

    public ConfigObject Include(IncludeKind kind, string name, bool required, ConfigOrigin at)
    {
        if (chain.Count >= MaxIncludeDepth)
        {
            throw new ConfigException($"{at}: includes nest more than {MaxIncludeDepth} deep ({string.Join(" -> ", chain)})", null, at);
        }

        if (kind == IncludeKind.Url || (kind == IncludeKind.Heuristic && LooksLikeUrl(name, out _)))
        {
            if (LooksLikeUrl(name, out var scheme) && scheme == "file" && Uri.TryCreate(name, UriKind.Absolute, out var fileUri))
            {
                return IncludeFile(fileUri.LocalPath, required, at);
            }

            throw new ConfigException($"{at}: include url(\"{name}\") is refused: QuicActors does not fetch configuration over the network; download the file and include it with file(\"...\")", null, at);
        }

        return kind switch
        {
            IncludeKind.File => IncludeFile(name, required, at),
            IncludeKind.Classpath => IncludeResource(RelativeResourceName(name), required, at),
            _ => currentResource is not null
                ? IncludeResource(RelativeResourceName(name), required, at)
                : IncludeHeuristicFile(name, required, at),
        };
    }

    private static bool LooksLikeUrl(string name, out string scheme)
    {
        scheme = string.Empty;
        var colon = name.IndexOf("://", StringComparison.Ordinal);
        if (colon <= 1 && !name.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        scheme = name[..name.IndexOf(':', StringComparison.Ordinal)].ToLowerInvariant();
        return scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');
    }

    private string RelativeResourceName(string name)
    {
        if (name.StartsWith('/'))
        {
            return name[1..];
        }

        if (currentResource is not null)
        {
            var slash = currentResource.LastIndexOf('/');
            if (slash >= 0)
            {
                return currentResource[..(slash + 1)] + name;
            }
        }

        return name;
    }

    private string? BaseDirectory => currentFile is not null ? Path.GetDirectoryName(currentFile) : options.IncludeBaseDirectory;

    private ConfigObject IncludeHeuristicFile(string name, bool required, ConfigOrigin at)
    {
        // Files are relative to the including file; if there is no such file, an embedded resource of that name.
        var baseDir = BaseDirectory;
        if (Path.IsPathRooted(name) || baseDir is not null)
        {
            var full = Path.IsPathRooted(name) ? name : Path.Combine(baseDir!, name);
            var fromFile = TryLoadProbing(full, LoadFileOrNull, at);
            if (fromFile is not null)
            {
                return fromFile;
            }
        }

        var fromResource = TryLoadProbing(name.TrimStart('/'), LoadResourceOrNull, at);
        return fromResource ?? Missing(name, required, at, baseDir);
    }

    private ConfigObject IncludeFile(string name, bool required, ConfigOrigin at)
    {
        var baseDir = BaseDirectory ?? Directory.GetCurrentDirectory();
        var full = Path.IsPathRooted(name) ? name : Path.Combine(baseDir, name);
        return TryLoadProbing(full, LoadFileOrNull, at) ?? Missing(name, required, at, baseDir);
    }

    private ConfigObject IncludeResource(string name, bool required, ConfigOrigin at) =>
        TryLoadProbing(name, LoadResourceOrNull, at) ?? Missing(name, required, at, null);

    private static ConfigObject Missing(string name, bool required, ConfigOrigin at, string? baseDir)
    {
        if (!required)
        {
            return new ConfigObject(at);
        }

        var where = baseDir is null ? "as an embedded resource" : $"in {baseDir} or as an embedded resource";
        var tried = HasKnownExtension(name) ? name : string.Join(", ", KnownExtensions.Select(e => name + e));
        throw new ConfigException($"{at}: required include \"{name}\" was not found {where} (tried {tried})", null, at);
    }

    private static bool HasKnownExtension(string name) =>
        KnownExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>Loads <paramref name="name"/>; without a known extension, every existing .properties, .json and .conf variant, merged in that order.</summary>
    private static ConfigObject? TryLoadProbing(string name, Func<string, ConfigOrigin, ConfigObject?> load, ConfigOrigin at)
    {
        if (HasKnownExtension(name))
        {
            return load(name, at);
        }

        ConfigObject? merged = null;
        foreach (var ext in KnownExtensions)
        {
            var part = load(name + ext, at);
            if (part is not null)
            {
                merged = merged is null ? part : Merger.MergeObjects(part, merged);
            }
        }

        return merged ?? load(name, at);
    }

    private ConfigObject? LoadFileOrNull(string fullPath, ConfigOrigin at)
    {
        if (!File.Exists(fullPath))
        {
            return null;
        }

        var normalized = Path.GetFullPath(fullPath);
        if (chain.Contains(normalized))
        {
            throw new ConfigException($"{at}: include cycle: {string.Join(" -> ", chain)} -> {normalized}", null, at);
        }

        var bytes = DocumentLoader.ReadFile(fullPath, at);
        var next = new Includer(options, normalized, null, [.. chain, normalized]);
        return AsObject(DocumentLoader.Parse(bytes, fullPath, SyntaxOf(fullPath), next), fullPath, at);
    }

    private ConfigObject? LoadResourceOrNull(string name, ConfigOrigin at)
    {
        foreach (var assembly in Assemblies)
        {
            var manifestName = FindManifestResource(assembly, name);
            if (manifestName is null)
            {
                continue;
            }

            var key = "resource:" + name;
            if (chain.Contains(key))
            {
                throw new ConfigException($"{at}: include cycle: {string.Join(" -> ", chain)} -> {key}", null, at);
            }

            using var stream = assembly.GetManifestResourceStream(manifestName)!;
            var next = new Includer(options, null, name, [.. chain, key]);
            return AsObject(DocumentLoader.Parse(DocumentLoader.ReadBounded(stream, name), name, SyntaxOf(name), next), name, at);
        }

        return null;
    }

    /// <summary>
    /// Maps a classpath-style name (<c>dir/x.conf</c>) to a manifest resource: an exact logical name, or the
    /// one resource whose name ends with the dotted form (<c>QuicActors.dir.x.conf</c>).
    /// </summary>
    internal static string? FindManifestResource(Assembly assembly, string name)
    {
        var names = assembly.GetManifestResourceNames();
        if (Array.IndexOf(names, name) >= 0)
        {
            return name;
        }

        var dotted = name.Replace('/', '.');
        var matches = names.Where(n => n == dotted || n.EndsWith("." + dotted, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new ConfigException($"classpath resource \"{name}\" is ambiguous in {assembly.GetName().Name}: {string.Join(", ", matches)}"),
        };
    }

    private static ConfigSyntax SyntaxOf(string name) =>
        name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ConfigSyntax.Json
        : name.EndsWith(".properties", StringComparison.OrdinalIgnoreCase) ? ConfigSyntax.Properties
        : ConfigSyntax.Hocon;

    private static ConfigObject AsObject(ConfigNode node, string name, ConfigOrigin at) =>
        node as ConfigObject ?? throw new ConfigException($"{at}: included document {name} has an array at its root; an included document must be an object", null, at);
}

/// <summary>Decodes bytes (UTF-8, with or without BOM) and parses them in the given syntax.</summary>
internal static class DocumentLoader
{
    /// <summary>Largest document read; a bigger "file" (or a device such as /dev/zero) is refused rather than read forever.</summary>
    public const int MaxDocumentBytes = 64 * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads at most <see cref="MaxDocumentBytes"/> from a stream; more is a <see cref="ConfigException"/>.</summary>
    public static byte[] ReadBounded(Stream stream, string description)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        try
        {
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > MaxDocumentBytes)
                {
                    throw new ConfigException($"{description}: larger than {MaxDocumentBytes} bytes; refusing to read it as configuration", null, new ConfigOrigin(description, 0));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException e)
        {
            throw new ConfigException($"{description}: cannot read: {e.Message}", null, new ConfigOrigin(description, 0), e);
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a file through <see cref="ReadBounded"/>, turning I/O failures into <see cref="ConfigException"/>.</summary>
    public static byte[] ReadFile(string path, ConfigOrigin? at)
    {
        var prefix = at is null ? path : $"{at}: {path}";
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return ReadBounded(stream, prefix);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{prefix}: cannot read configuration file: {e.Message}", null, at ?? new ConfigOrigin(path, 0), e);
        }
    }

    public static string Decode(ReadOnlySpan<byte> bytes, string description)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new ConfigException($"{description}: not valid UTF-8 (at byte {e.Index}); configuration files must be UTF-8", null, new ConfigOrigin(description, 0), e);
        }
    }

    public static ConfigNode Parse(ReadOnlySpan<byte> bytes, string description, ConfigSyntax syntax, Includer? includer) =>
        ParseText(Decode(bytes, description), description, syntax, includer);

    public static ConfigNode ParseText(string text, string description, ConfigSyntax syntax, Includer? includer)
    {
        var origin = new ConfigOrigin(description, 1);
        if (syntax == ConfigSyntax.Properties)
        {
            return PropertiesParser.Parse(text, origin);
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        return Parser.ParseDocument(text, origin, syntax == ConfigSyntax.Auto ? ConfigSyntax.Hocon : syntax, includer);
    }
}
