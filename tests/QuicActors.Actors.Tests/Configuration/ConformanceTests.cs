using QuicActors.Configuration;

namespace QuicActors.Actors.Tests.Configuration;

/// <summary>
/// The reference implementation's equivalence vectors (read from ../shared, never copied here): in each folder
/// every .conf and .json resolves, without environment fallback, to the value of original.json, and every
/// .json parses as HOCON too.
/// </summary>
public class ConformanceTests
{
    [ConformanceFact]
    public void Every_vector_resolves_to_its_original_json()
    {
        var root = ConformanceVectors.Directory!;
        var failures = new List<string>();
        var checkedFiles = 0;
        foreach (var folder in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var originalPath = Path.Combine(folder, "original.json");
            if (!File.Exists(originalPath))
            {
                continue;
            }

            var expected = Hocon.Canon(ConfigFactory.ParseFile(originalPath).Resolve(ConfigResolveOptions.NoEnvironment));
            foreach (var file in Directory.GetFiles(folder).Where(f => f.EndsWith(".conf", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                var name = Path.GetRelativePath(root, file);
                checkedFiles++;
                Check(name + " (as " + Path.GetExtension(file) + ")", () => ConfigFactory.ParseFile(file), expected, failures);
                if (file.EndsWith(".json", StringComparison.Ordinal))
                {
                    Check(name + " (as HOCON)", () => ConfigFactory.ParseFile(file, ConfigParseOptions.Default with { Syntax = ConfigSyntax.Hocon }), expected, failures);
                }
            }
        }

        Assert.True(checkedFiles > 0, "no vectors found in " + root);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void Check(string name, Func<Config> parse, string expected, List<string> failures)
    {
        try
        {
            var actual = Hocon.Canon(parse().Resolve(ConfigResolveOptions.NoEnvironment));
            if (actual != expected)
            {
                failures.Add($"{name}: got {actual}, expected {expected}");
            }
        }
        catch (ConfigException e)
        {
            failures.Add($"{name}: {e.Message}");
        }
    }
}
