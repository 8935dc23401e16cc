using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using QuicActors.Configuration;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Configuration;

/// <summary>
/// reference.conf holds every setting the code reads: every settings binder binds from it alone, and every
/// "quic-actors.*" path literal in the sources is defined in it.
/// </summary>
public partial class ReferenceConfTests(ITestOutputHelper output)
{
    [Fact]
    public void Reference_conf_is_embedded_and_resolves()
    {
        var reference = ConfigFactory.Reference(ConfigResolveOptions.NoEnvironment);
        Assert.Equal(30, reference.GetInt("quic-actors.actor.throughput"));
        Assert.Equal(TimeSpan.FromSeconds(5), reference.GetDuration("quic-actors.actor.ask-timeout"));
        Assert.Equal("reference.conf", reference.GetOrigin("quic-actors.actor.throughput").Description);
    }

    [Fact]
    public void Every_settings_binder_binds_from_reference_conf_alone()
    {
        var reference = ConfigFactory.Reference(ConfigResolveOptions.NoEnvironment);
        var binders = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name?.StartsWith("QuicActors", StringComparison.Ordinal) == true)
            .SelectMany(a => a.GetTypes())
            .Where(t => !t.IsAbstract && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConfigSettings<>)))
            .ToList();
        Assert.Contains(typeof(KernelConfig), binders);
        Assert.Contains(typeof(TestKitConfig), binders);
        Assert.Equal(binders.OrderBy(t => t.FullName), KnownSettings.Types.OrderBy(t => t.FullName));
        KnownSettings.Validate(reference);
        var bind = typeof(SettingsReader).GetMethod(nameof(SettingsReader.Bind), BindingFlags.Public | BindingFlags.Static)!;
        foreach (var binder in binders)
        {
            var settings = bind.MakeGenericMethod(binder).Invoke(null, [reference]);
            Assert.NotNull(settings);
        }
    }

    [Fact]
    public void Settings_reader_records_paths_and_validation_names_path_and_origin()
    {
        var reader = new SettingsReader(ConfigFactory.Reference(ConfigResolveOptions.NoEnvironment), KernelConfig.SectionPath);
        var kernel = KernelConfig.Bind(reader);
        Assert.Equal(30, kernel.Throughput);
        Assert.Contains("quic-actors.actor.ask-timeout", reader.PathsRead);
        var bad = ConfigFactory.Load(ConfigFactory.ParseString("quic-actors.actor.throughput = 0", originDescription: "application.conf"), ConfigResolveOptions.NoEnvironment);
        var e = Assert.Throws<ConfigException>(() => KernelConfig.From(bad));
        Assert.Equal("quic-actors.actor.throughput (application.conf:1): expected an integer >= 1, got 0", e.Message);
    }

    [Fact]
    public void Every_quic_actors_path_literal_in_the_sources_is_defined_in_reference_conf()
    {
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "QuicActors.sln")))
        {
            repo = repo.Parent;
        }

        Assert.NotNull(repo);
        var reference = ConfigFactory.ParseFile(Path.Combine(repo.FullName, "hocon", "reference.conf")).Resolve(ConfigResolveOptions.NoEnvironment);
        var missing = new List<string>();
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(repo.FullName, "src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match m in PathLiteral().Matches(File.ReadAllText(file)))
            {
                count++;
                var path = m.Groups[1].Value.TrimEnd('.');
                if (!reference.HasPathOrNull(path))
                {
                    missing.Add($"{Path.GetRelativePath(repo.FullName, file)}: \"{m.Groups[1].Value}\"");
                }
            }
        }

        Assert.True(count > 0, "expected at least the settings section literals");
        Assert.True(missing.Count == 0, "read by code but not defined in hocon/reference.conf:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Parsing_reference_conf_and_an_application_file_is_fast()
    {
        const string application = """
            quic-actors {
              actor {
                throughput = 100
                ask-timeout = 2s
              }
              test.timefactor = 2.5
            }
            my-app {
              name = "echo server"
              endpoints = [ "127.0.0.1:4433", "[::1]:4433" ]
              limits { streams = 1000, buffer = 64KiB, idle = 30s }
              greeting = "hello from "${my-app.name}
              paths = [ /bin ]
              paths += /usr/bin
            }
            """;
        var reference = ReadReferenceText();
        for (var i = 0; i < 50; i++)
        {
            Once(reference, application);
        }

        var samples = new double[501];
        for (var i = 0; i < samples.Length; i++)
        {
            var sw = Stopwatch.StartNew();
            Once(reference, application);
            samples[i] = sw.Elapsed.TotalMicroseconds;
        }

        Array.Sort(samples);
        var median = samples[samples.Length / 2];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parse+merge+resolve of reference.conf and a typical application.conf: median {median:F0} us, p90 {samples[samples.Length * 9 / 10]:F0} us over {samples.Length} runs"));
        Assert.True(median < 20_000, $"median {median} us");
    }

    private static void Once(string reference, string application)
    {
        var config = ConfigFactory.ParseString(application, originDescription: "application.conf")
            .WithFallback(ConfigFactory.ParseString(reference, originDescription: "reference.conf"))
            .Resolve(ConfigResolveOptions.NoEnvironment);
        _ = KernelConfig.From(config);
    }

    private static string ReadReferenceText()
    {
        var assembly = typeof(Config).Assembly;
        using var stream = assembly.GetManifestResourceStream(ConfigFactory.ReferenceResourceName)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex("\"(quic-actors\\.[A-Za-z0-9_.-]+)\"")]
    private static partial Regex PathLiteral();
}
