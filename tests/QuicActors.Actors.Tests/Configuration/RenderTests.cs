using QuicActors.Configuration;

namespace QuicActors.Actors.Tests.Configuration;

public class RenderTests
{
    private const string Sample = "a { b = 1, c = [1, \"two\", {d = null}], \"weird key.x\" = \"line\\nbreak\\u0001\" }\ntrue = yes\n\"\" = empty\ninclude-me = 1.5e3\nn = -0.25";

    [Fact]
    public void Hocon_render_parses_back_to_the_same_tree()
    {
        var c = Hocon.Parse(Sample);
        Assert.Equal(Hocon.Canon(c), Hocon.Canon(Hocon.Parse(c.Render())));
    }

    [Fact]
    public void Json_render_is_strict_json_with_the_same_tree()
    {
        var c = Hocon.Parse(Sample);
        Assert.Equal(Hocon.Canon(c), Hocon.Canon(Hocon.Json(c.RenderJson())));
    }

    [Fact]
    public void Plain_words_render_bare_and_anything_ambiguous_stays_quoted()
    {
        var c = Hocon.Parse("a = 5s\nb = on\nc = \"5\"\nd = \"true\"\ne = \"x y\"\nf = drain-then-stop\ng = \"-x\"\nh = \"1e5\"\ni = \"null\"");
        var text = c.Render();
        Assert.Contains("a = 5s\n", text, StringComparison.Ordinal);
        Assert.Contains("b = on\n", text, StringComparison.Ordinal);
        Assert.Contains("f = drain-then-stop\n", text, StringComparison.Ordinal);
        foreach (var quoted in new[] { "c = \"5\"", "d = \"true\"", "e = \"x y\"", "g = \"-x\"", "h = \"1e5\"", "i = \"null\"" })
        {
            Assert.Contains(quoted, text, StringComparison.Ordinal);
        }

        Assert.Equal(Hocon.Canon(c), Hocon.Canon(Hocon.Parse(text)));
    }

    [Fact]
    public void Render_with_origin_comments()
    {
        var c = ConfigFactory.ParseString("a {\n  b = 1\n}", originDescription: "app.conf").Resolve();
        var text = c.Render(new ConfigRenderOptions { OriginComments = true });
        Assert.Contains("# app.conf:2", text, StringComparison.Ordinal);
        Assert.Equal(Hocon.Canon(c), Hocon.Canon(Hocon.Parse(text)));
    }

    [Fact]
    public void Unresolved_substitutions_render_as_hocon_but_not_as_json()
    {
        var c = ConfigFactory.ParseString("a = ${b} x\nb = 1");
        Assert.Contains("a = ${b} x", c.Render(), StringComparison.Ordinal);
        Assert.Throws<ConfigException>(() => c.RenderJson());
    }
}
