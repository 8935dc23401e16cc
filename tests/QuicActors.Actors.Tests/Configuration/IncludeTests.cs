using System.Text;
using QuicActors.Configuration;

namespace QuicActors.Actors.Tests.Configuration;

/// <summary>HOCON spec, "Includes": syntax, merging, substitution fix-up, missing and required files, formats, resources.</summary>
public sealed class IncludeTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("hocon-include-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static Config Load(string path) => ConfigFactory.ParseFile(path).Resolve(ConfigResolveOptions.NoEnvironment);

    [Fact]
    public void Include_merges_like_duplicate_keys_in_order()
    {
        Write("inc.conf", "a = included\nb = included\nobj { x = 1 }");
        var main = Write("main.conf", "a = before\ninclude \"inc.conf\"\nb = after\nobj { y = 2 }");
        var c = Load(main);
        Assert.Equal("included", c.GetString("a"));
        Assert.Equal("after", c.GetString("b"));
        Assert.Equal("""{"a":"included","b":"after","obj":{"x":1,"y":2}}""", Hocon.Canon(c));
    }

    [Fact]
    public void Includes_are_relative_to_the_including_file_not_the_working_directory()
    {
        Write("sub/inner.conf", "deep = yes\ninclude \"sibling.conf\"");
        Write("sub/sibling.conf", "sibling = 1");
        var main = Write("main.conf", "include \"sub/inner.conf\"");
        var c = Load(main);
        Assert.True(c.GetBoolean("deep"));
        Assert.Equal(1, c.GetInt("sibling"));
        Assert.Equal(Path.Combine(dir, "sub", "sibling.conf"), c.GetOrigin("sibling").Description);
    }

    [Fact]
    public void Substitutions_in_included_files_are_fixed_up_to_the_include_point()
    {
        Write("foo.conf", "x : 10, y : ${x}, home : ${top}");
        var main = Write("main.conf", "top = root-value\na : { include \"foo.conf\" }\na : { x : 42 }");
        var c = Load(main);
        Assert.Equal(42, c.GetInt("a.y"));
        Assert.Equal("root-value", c.GetString("a.home"));
    }

    [Fact]
    public void Plus_equals_in_an_included_file_appends_at_the_include_point()
    {
        Write("more.conf", "list += from-include");
        var main = Write("main.conf", "outer { list = [first]\n include \"more.conf\" }\nouter.list += last");
        Assert.Equal(["first", "from-include", "last"], Load(main).GetStringList("outer.list"));
    }

    [Fact]
    public void Missing_files_are_ignored_unless_required()
    {
        var main = Write("main.conf", "include \"nope.conf\"\na = 1");
        Assert.Equal(1, Load(main).GetInt("a"));
        var req = Write("req.conf", "include required(\"nope.conf\")");
        var e = Assert.Throws<ConfigException>(() => Load(req));
        Assert.Contains("required include \"nope.conf\" was not found", e.Message, StringComparison.Ordinal);
        Assert.Contains("req.conf:1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_and_required_file_syntax_with_whitespace()
    {
        Write("f.conf", "f = 1");
        var main = Write("main.conf", "include file( \"f.conf\" )\ninclude required( file(\"f.conf\") )\ninclude\n  \"f.conf\"");
        Assert.Equal(1, Load(main).GetInt("f"));
    }

    [Fact]
    public void Extensionless_include_loads_every_format_with_conf_winning()
    {
        Write("multi.properties", "p = from-properties\nshared = properties\nlist.0 = a\nlist.1 = b");
        Write("multi.json", """{ "j" : "from-json", "shared" : "json" }""");
        Write("multi.conf", "c = from-conf\nshared = conf");
        var c = Load(Write("main.conf", "include \"multi\""));
        Assert.Equal("from-properties", c.GetString("p"));
        Assert.Equal("from-json", c.GetString("j"));
        Assert.Equal("from-conf", c.GetString("c"));
        Assert.Equal("conf", c.GetString("shared"));
        Assert.Equal(["a", "b"], c.GetStringList("list"));
    }

    [Fact]
    public void Url_includes_are_refused_clearly()
    {
        foreach (var text in new[] { "include url(\"http://example.com/a.conf\")", "include \"https://example.com/a.conf\"", "include required(url(\"http://x/y.conf\"))" })
        {
            var e = Assert.Throws<ConfigException>(() => Load(Write("u.conf", text)));
            Assert.Contains("refused", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Classpath_includes_read_embedded_resources()
    {
        var c = ConfigFactory.ParseString("include classpath(\"reference.conf\")\nmine = 1").Resolve();
        Assert.Equal(30, c.GetInt("quic-actors.actor.throughput"));
        Assert.Equal("reference.conf", c.GetOrigin("quic-actors.actor.throughput").Description);
        var e = Assert.Throws<ConfigException>(() => ConfigFactory.ParseString("include required(classpath(\"missing.conf\"))"));
        Assert.Contains("not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_cycles_are_reported()
    {
        Write("a.conf", "include \"b.conf\"");
        Write("b.conf", "include \"a.conf\"");
        Assert.Contains("include cycle", Assert.Throws<ConfigException>(() => Load(Path.Combine(dir, "a.conf"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Included_array_root_is_an_error()
    {
        Write("arr.json", "[1,2]");
        var main = Write("m.conf", "include \"arr.json\"");
        Assert.Contains("array at its root", Assert.Throws<ConfigException>(() => Load(main)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("include")]
    [InlineData("include foo")]
    [InlineData("include : 1")]
    [InlineData("include file(\"x\"")]
    [InlineData("include file(x)")]
    [InlineData("include nope(\"x\")")]
    public void Malformed_include_is_a_syntax_error(string text) =>
        Assert.Throws<ConfigException>(() => ConfigFactory.ParseString(text));

    [Fact]
    public void Properties_files_map_to_objects_with_string_values_and_object_wins()
    {
        var path = Write("p.properties", "# comment\n! also comment\na.b = 1\na = hello\nkey\\ with\\ space = v\\u0041l\nlong = first \\\n   second\nempty.\n. = dot\n");
        var c = Load(path);
        Assert.Equal("1", c.GetString("a.b"));
        Assert.Equal(1, c.GetInt("a.b"));
        Assert.Equal("vAl", c.GetString("\"key with space\""));
        Assert.Equal("first second", c.GetString("long"));
        Assert.Equal(string.Empty, c.GetString("empty.\"\""));
        Assert.Equal("dot", c.GetString("\"\".\"\""));
    }

    [Fact]
    public void Utf8_with_and_without_bom_and_invalid_utf8_is_an_error()
    {
        var bom = Path.Combine(dir, "bom.conf");
        File.WriteAllBytes(bom, [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("a = \"é\"")]);
        Assert.Equal("é", Load(bom).GetString("a"));
        var bad = Path.Combine(dir, "bad.conf");
        File.WriteAllBytes(bad, [(byte)'a', (byte)'=', 0xC3, 0x28]);
        Assert.Contains("not valid UTF-8", Assert.Throws<ConfigException>(() => Load(bad)).Message, StringComparison.Ordinal);
        Assert.Equal("é", ConfigFactory.ParseStream(new MemoryStream([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("a = é")])).GetString("a"));
    }

    [Fact]
    public void Endless_devices_are_refused_not_read_forever()
    {
        if (!File.Exists("/dev/zero"))
        {
            return;
        }

        var main = Write("zero.conf", "include file(\"/dev/zero\")");
        Assert.Contains("larger than", Assert.Throws<ConfigException>(() => Load(main)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_top_level_file_is_a_config_exception() =>
        Assert.Contains("not found", Assert.Throws<ConfigException>(() => ConfigFactory.ParseFile(Path.Combine(dir, "none.conf"))).Message, StringComparison.Ordinal);
}
