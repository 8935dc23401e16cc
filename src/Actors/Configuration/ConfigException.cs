namespace QuicActors.Configuration;

/// <summary>
/// The one exception type the configuration library throws, for syntax errors, I/O problems, unresolvable
/// substitutions, missing paths and values of the wrong type alike. The message always says where the
/// problem is (path and/or file:line) and what was expected.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException()
    {
    }

    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ConfigException(string message, string? path, ConfigOrigin? origin, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
        Origin = origin;
    }

    /// <summary>The configuration path the problem concerns, when there is one.</summary>
    public string? Path { get; }

    /// <summary>Where the offending value (or syntax) was written, when known.</summary>
    public ConfigOrigin? Origin { get; }
}
