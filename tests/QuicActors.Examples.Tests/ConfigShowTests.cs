using System.CommandLine;
using QuicActors.Configuration;
using QuicActors.Examples.Commands;

namespace QuicActors.Examples.Tests;

/// <summary><c>quic-actors config show</c>, driven through the real command line parser.</summary>
public sealed class ConfigShowTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("config-show-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = CommandLineRoot.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Shows_files_layered_over_reference_conf_as_hocon()
    {
        var app = Write("app.conf", "quic-actors.actor.throughput = 64\nmy { name = demo, greeting = \"hi \"${my.name} }");
        var (exit, output, error) = Run("config", "show", app, "--no-env");
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        var shown = ConfigFactory.ParseString(output).Resolve(ConfigResolveOptions.NoEnvironment);
        Assert.Equal(64, shown.GetInt("quic-actors.actor.throughput"));
        Assert.Equal(TimeSpan.FromSeconds(5), shown.GetDuration("quic-actors.actor.ask-timeout"));
        Assert.Equal("hi demo", shown.GetString("my.greeting"));
    }

    [Fact]
    public void Later_files_override_earlier_ones_and_only_skips_reference_conf()
    {
        var a = Write("a.conf", "x = 1\ny = 1");
        var b = Write("b.json", """{ "y" : 2 }""");
        var (exit, output, _) = Run("config", "show", a, b, "--only", "--json", "--no-env");
        Assert.Equal(0, exit);
        var shown = ConfigFactory.ParseString(output, ConfigParseOptions.Default with { Syntax = ConfigSyntax.Json });
        Assert.Equal(1, shown.GetInt("x"));
        Assert.Equal(2, shown.GetInt("y"));
        Assert.False(shown.HasPath("quic-actors"));
    }

    [Fact]
    public void Without_files_shows_the_reference_configuration()
    {
        var (exit, output, _) = Run("config", "show", "--no-env");
        Assert.Equal(0, exit);
        Assert.Equal(30, ConfigFactory.ParseString(output).GetInt("quic-actors.actor.throughput"));
    }

    [Fact]
    public void Origins_option_annotates_settings()
    {
        var app = Write("app.conf", "a = 1");
        var (_, output, _) = Run("config", "show", app, "--only", "--origins");
        Assert.Contains("# " + app + ":1", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_fallback_is_on_unless_no_env()
    {
        var app = Write("env.conf", "p = ${?PATH}");
        Assert.True(ConfigFactory.ParseString(Run("config", "show", app, "--only").Out).HasPath("p"));
        Assert.False(ConfigFactory.ParseString(Run("config", "show", app, "--only", "--no-env").Out).HasPath("p"));
    }

    [Theory]
    [InlineData("a = {", "'}' is missing")]
    [InlineData("a = ${nope}", "cannot resolve ${nope}")]
    [InlineData("a = b$c", "reserved character '$'")]
    [InlineData("quic-actors.actor.throughput = lots", "bad.conf:1): expected a 32-bit integer, got \"lots\"")]
    [InlineData("quic-actors.actor.ask-timeout = soon", "bad.conf:1): expected a duration, got \"soon\"")]
    public void Bad_input_exits_1_with_the_error_on_stderr(string text, string expected)
    {
        var bad = Write("bad.conf", text);
        var (exit, output, error) = Run("config", "show", bad, "--no-env");
        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("bad.conf:1", error, StringComparison.Ordinal);
        if (text.StartsWith("quic-actors.", StringComparison.Ordinal))
            Assert.Contains(text[..text.IndexOf(' ', StringComparison.Ordinal)] + " (", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_exits_1()
    {
        var (exit, _, error) = Run("config", "show", Path.Combine(dir, "missing.conf"));
        Assert.Equal(1, exit);
        Assert.Contains("not found", error, StringComparison.Ordinal);
    }
}
