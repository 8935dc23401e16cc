namespace QuicActors.Configuration;

/// <summary>
/// Where a configuration value was written: a file name, resource name or other description, and a line.
/// </summary>
/// <param name="Description">The file name as it was given, <c>resource:name</c>, <c>string</c>, or <c>env VAR</c>.</param>
/// <param name="Line">1-based line number; 0 when the origin has no lines (environment variables, merged values).</param>
public sealed record ConfigOrigin(string Description, int Line)
{
    /// <summary>Renders as <c>application.conf:12</c>, or the bare description when there is no line.</summary>
    public override string ToString() => Line > 0 ? $"{Description}:{Line}" : Description;

    internal ConfigOrigin WithLine(int line) => line == Line ? this : this with { Line = line };
}
