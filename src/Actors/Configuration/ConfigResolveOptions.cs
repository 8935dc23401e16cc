namespace QuicActors.Configuration;

/// <summary>How substitutions are resolved.</summary>
public sealed record ConfigResolveOptions
{
    /// <summary>Resolve with environment-variable fallback.</summary>
    public static ConfigResolveOptions Default { get; } = new();

    /// <summary>Resolve from the configuration alone.</summary>
    public static ConfigResolveOptions NoEnvironment { get; } = new() { UseEnvironment = false };

    /// <summary>
    /// Whether a substitution that the configuration does not define (not even as null) falls back to the
    /// environment variable of the same name (the path elements joined with '.').
    /// </summary>
    public bool UseEnvironment { get; init; } = true;

    /// <summary>Reads an environment variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>. For tests.</summary>
    public Func<string, string?>? EnvironmentReader { get; init; }
}
