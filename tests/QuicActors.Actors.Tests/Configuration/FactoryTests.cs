using System.Text;
using QuicActors.Configuration;

namespace QuicActors.Actors.Tests.Configuration;

public sealed class FactoryTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("hocon-factory-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Load_layers_the_application_file_over_reference_conf()
    {
        var app = Path.Combine(dir, "application.conf");
        File.WriteAllText(app, "quic-actors.actor.throughput = 7\nextra = ${quic-actors.actor.ask-timeout}");
        var c = ConfigFactory.Load(app, ConfigResolveOptions.NoEnvironment);
        Assert.Equal(7, c.GetInt("quic-actors.actor.throughput"));
        Assert.Equal(TimeSpan.FromSeconds(5), c.GetDuration("extra"));
        Assert.Equal(TimeSpan.FromSeconds(3), c.GetDuration("quic-actors.test.single-expect-default"));
        Assert.Equal(app, c.GetOrigin("quic-actors.actor.throughput").Description);
    }

    [Fact]
    public void Load_without_a_file_gives_the_reference_configuration() =>
        Assert.Equal(30, ConfigFactory.Load(resolveOptions: ConfigResolveOptions.NoEnvironment).GetInt("quic-actors.actor.throughput"));

    [Fact]
    public void Stream_includes_use_the_configured_base_directory_and_can_be_disabled()
    {
        File.WriteAllText(Path.Combine(dir, "part.conf"), "p = 1");
        var options = ConfigParseOptions.Default with { IncludeBaseDirectory = dir };
        var c = ConfigFactory.ParseStream(new MemoryStream(Encoding.UTF8.GetBytes("include \"part.conf\"")), "in-memory", options);
        Assert.Equal(1, c.GetInt("p"));
        var e = Assert.Throws<ConfigException>(() => ConfigFactory.ParseString("include \"part.conf\"", options with { AllowIncludes = false }));
        Assert.Contains("not allowed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_resource_reads_embedded_resources_by_classpath_name()
    {
        var c = ConfigFactory.ParseResource(typeof(Config).Assembly, "reference.conf");
        Assert.Contains("quic-actors", c.Keys);
        Assert.Throws<ConfigException>(() => ConfigFactory.ParseResource(typeof(Config).Assembly, "nope.conf"));
    }

    [Fact]
    public void Properties_and_json_syntax_from_extension_or_options()
    {
        var props = Path.Combine(dir, "x.properties");
        File.WriteAllText(props, "a.b=c d");
        Assert.Equal("c d", ConfigFactory.ParseFile(props).GetString("a.b"));
        Assert.Equal("v", ConfigFactory.ParseString("k=v", ConfigParseOptions.Default with { Syntax = ConfigSyntax.Properties }).GetString("k"));
        var json = Path.Combine(dir, "x.json");
        File.WriteAllText(json, "{ \"a\" : 1 } ");
        Assert.Equal(1, ConfigFactory.ParseFile(json).GetInt("a"));
        File.WriteAllText(json, "a = 1");
        Assert.Throws<ConfigException>(() => ConfigFactory.ParseFile(json));
    }
}
