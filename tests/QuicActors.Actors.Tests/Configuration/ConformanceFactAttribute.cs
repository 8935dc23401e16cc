namespace QuicActors.Actors.Tests.Configuration;

/// <summary>
/// A fact that runs only when the shared HOCON conformance vectors are present; otherwise xunit reports it
/// skipped with the reason (where it looked), decided when the test is discovered.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ConformanceFactAttribute : FactAttribute
{
    public ConformanceFactAttribute()
    {
        if (ConformanceVectors.Directory is null)
        {
            Skip = ConformanceVectors.MissingReason;
        }
    }
}

/// <summary>Locates <c>shared/conformance/hocon</c> beside the repository (or beside one of its ancestors, for worktrees).</summary>
internal static class ConformanceVectors
{
    private static readonly Lazy<(string? Dir, string Reason)> Located = new(Locate);

    public static string? Directory => Located.Value.Dir;

    public static string MissingReason => Located.Value.Reason;

    private static (string? Dir, string Reason) Locate()
    {
        var start = new DirectoryInfo(AppContext.BaseDirectory);
        var repo = start;
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "QuicActors.sln")))
        {
            repo = repo.Parent;
        }

        if (repo is null)
        {
            return (null, $"HOCON conformance vectors not found: no QuicActors.sln above {start.FullName}");
        }

        var tried = new List<string>();
        for (var d = repo.Parent; d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "shared", "conformance", "hocon");
            tried.Add(candidate);
            if (System.IO.Directory.Exists(candidate))
            {
                return (candidate, string.Empty);
            }
        }

        return (null, "HOCON conformance vectors not found; looked in " + string.Join(", ", tried));
    }
}
