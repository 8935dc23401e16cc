using System.Reflection;

namespace QuicActors.Configuration;

/// <summary>How a document is parsed and how its <c>include</c> statements are found.</summary>
public sealed record ConfigParseOptions
{
    /// <summary>The default options: syntax from the extension, includes allowed, resources from QuicActors.Actors.</summary>
    public static ConfigParseOptions Default { get; } = new();

    /// <summary>The syntax; <see cref="ConfigSyntax.Auto"/> picks it from the file extension (HOCON otherwise).</summary>
    public ConfigSyntax Syntax { get; init; } = ConfigSyntax.Auto;

    /// <summary>
    /// Assemblies whose embedded resources <c>include classpath("name")</c> reads, searched in order. Empty means
    /// the QuicActors.Actors assembly (which embeds <c>reference.conf</c>).
    /// </summary>
    public IReadOnlyList<Assembly> ResourceAssemblies { get; init; } = [];

    /// <summary>
    /// Directory against which relative includes of a document parsed from a string or stream are resolved.
    /// Files use their own directory; null means such documents only include resources and absolute files.
    /// </summary>
    public string? IncludeBaseDirectory { get; init; }

    /// <summary>Whether <c>include</c> statements are followed at all; when false they are a syntax error.</summary>
    public bool AllowIncludes { get; init; } = true;
}
