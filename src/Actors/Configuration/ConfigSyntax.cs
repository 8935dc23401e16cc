namespace QuicActors.Configuration;

/// <summary>The syntax a configuration document is written in.</summary>
public enum ConfigSyntax
{
    /// <summary>Chosen from the file extension: <c>.json</c>, <c>.properties</c>, anything else HOCON.</summary>
    Auto,

    /// <summary>HOCON, a superset of JSON.</summary>
    Hocon,

    /// <summary>Strict JSON: no comments, unquoted strings, substitutions or omitted separators.</summary>
    Json,

    /// <summary>Java-style properties: one <c>key=value</c> per line, every value a string.</summary>
    Properties,
}
