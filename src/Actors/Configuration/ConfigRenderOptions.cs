namespace QuicActors.Configuration;

/// <summary>How <see cref="Config.Render(ConfigRenderOptions?)"/> writes a configuration.</summary>
public sealed record ConfigRenderOptions
{
    /// <summary>HOCON, indented, without origin comments.</summary>
    public static ConfigRenderOptions Hocon { get; } = new();

    /// <summary>Indented JSON.</summary>
    public static ConfigRenderOptions Json { get; } = new() { AsJson = true };

    /// <summary>Write strict JSON instead of HOCON.</summary>
    public bool AsJson { get; init; }

    /// <summary>Write a comment with the origin (file:line) above each value (HOCON only).</summary>
    public bool OriginComments { get; init; }
}
