using QuicActors.Configuration;

namespace QuicActors.Actors.Tests.Configuration;

/// <summary>HOCON spec, "Syntax": JSON superset, comments, root braces, separators, commas, whitespace.</summary>
public class SyntaxTests
{
    [Fact]
    public void Json_is_valid_hocon_with_the_same_meaning() =>
        Hocon.Same("""{"a":1,"b":[true,false,null],"c":{"d":"e\n\u00e9"},"f":-1.5e3}""", """{"a":1,"b":[true,false,null],"c":{"d":"e\n\u00e9"},"f":-1.5e3}""");

    [Theory]
    [InlineData("a = 1 # comment\nb = 2")]
    [InlineData("a = 1 // comment\nb = 2")]
    [InlineData("# only a comment\na = 1\n// another\nb = 2 ## twice")]
    public void Comments_run_to_end_of_line(string text) => Hocon.Same("""{"a":1,"b":2}""", text);

    [Fact]
    public void Comment_markers_inside_quotes_are_text() => Hocon.Same("""{"a":"# not // a comment"}""", """a = "# not // a comment" """);

    [Fact]
    public void Root_braces_may_be_omitted() => Hocon.Same("""{"a":{"b":1}}""", "a { b = 1 }");

    [Fact]
    public void Empty_document_is_an_empty_object() => Assert.True(Hocon.Parse("  \n # nothing\n").IsEmpty);

    [Fact]
    public void Unbalanced_closing_brace_without_opening_is_an_error()
    {
        var e = Hocon.Fails("a = 1\n}");
        Assert.Contains("string:2:1", e.Message, StringComparison.Ordinal);
        Assert.Contains("'}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unclosed_object_is_an_error() => Assert.Contains("'}' is missing", Hocon.Fails("a { b = 1").Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("a : 1")]
    [InlineData("a = 1")]
    [InlineData("a=1")]
    [InlineData("a:1")]
    public void Colon_and_equals_are_separators(string text) => Hocon.Same("""{"a":1}""", text);

    [Fact]
    public void Separator_may_be_omitted_before_an_object() => Hocon.Same("""{"a":{"b":{}}}""", "a { b {} }");

    [Fact]
    public void Separator_is_required_before_other_values()
    {
        Assert.Contains("expected ':', '=', '+=' or '{'", Hocon.Fails("a 1").Message, StringComparison.Ordinal);
        Assert.Contains("found '['", Hocon.Fails("a [1]").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1,2,3,]")]
    [InlineData("[1\n2\n3]")]
    [InlineData("[1,\n2\n3\n]")]
    [InlineData("[\n1\n\n2,3\n]")]
    public void Newlines_work_as_commas_and_one_trailing_comma_is_allowed(string array) => Hocon.Same("""{"a":[1,2,3]}""", "a = " + array);

    [Theory]
    [InlineData("a = [1,2,3,,]")]
    [InlineData("a = [,1,2,3]")]
    [InlineData("a = [1,,2,3]")]
    [InlineData("{ a = 1,, b = 2 }")]
    [InlineData("{ , a = 1 }")]
    [InlineData("{ a = 1,,}")]
    public void Extra_commas_are_errors(string text) => Assert.Contains("','", Hocon.Fails(text).Message, StringComparison.Ordinal);

    [Fact]
    public void Fields_on_one_line_need_a_comma() => Assert.Contains("separated by ','", Hocon.Fails("{ a = 1 b = 2 }").Message, StringComparison.Ordinal);

    [Fact]
    public void Unicode_space_separators_and_ascii_separators_are_whitespace() =>
        Hocon.Same("""{"a":1,"b":2}""", "a\u00A0=\u20071\n\u001Cb\u2003=\u202F2\u001F");

    [Fact]
    public void Crlf_line_endings_work() => Hocon.Same("""{"a":1,"b":[1,2]}""", "a = 1\r\nb = [\r\n1\r\n2\r\n]\r\n");

    [Fact]
    public void Unquoted_strings_and_keywords()
    {
        Hocon.Same("""{"a":"foo","b":"footrue","c":"truefoo","d":true,"e":"bar10.0","f":"10.0bar"}""", "a = foo\nb = footrue\nc = truefoo\nd = true\ne = bar10.0\nf = 10.0bar");
        Hocon.Same("""{"path":"/usr/bin","url":"a/b.c"}""", "path = /usr/bin\nurl = a/b.c");
    }

    [Theory]
    [InlineData("a = b$c")]
    [InlineData("a = b`c")]
    [InlineData("a = b^c")]
    [InlineData("a = b?c")]
    [InlineData("a = b!c")]
    [InlineData("a = b@c")]
    [InlineData("a = b*c")]
    [InlineData("a = b&c")]
    [InlineData("a = b\\c")]
    [InlineData("a = b+c")]
    public void Forbidden_characters_in_unquoted_strings_are_errors(string text) =>
        Assert.Contains("reserved character", Hocon.Fails(text).Message, StringComparison.Ordinal);

    [Fact]
    public void Double_slash_ends_an_unquoted_string() => Hocon.Same("""{"a":"x/y"}""", "a = x/y//comment");

    [Fact]
    public void Quoted_strings_use_json_escapes()
    {
        Hocon.Same("""{"a":"\"\\/\b\f\n\r\t\u0041"}""", """a = "\"\\\/\b\f\n\r\t\u0041" """);
        Assert.Contains("invalid escape", Hocon.Fails("""a = "\q" """).Message, StringComparison.Ordinal);
        Assert.Contains("end of the line", Hocon.Fails("a = \"x\ny\"").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Triple_quoted_strings_keep_everything_verbatim()
    {
        var c = Hocon.Parse("a = \"\"\"line1\n  \"quoted\" \\n no escape\nend\"\"\"");
        Assert.Equal("line1\n  \"quoted\" \\n no escape\nend", c.GetString("a"));
        Assert.Equal("foo\"", Hocon.Parse("a = \"\"\"foo\"\"\"\"").GetString("a"));
        Assert.Equal("foo\"\"", Hocon.Parse("a = \"\"\"foo\"\"\"\"\"").GetString("a"));
        Assert.Contains("not closed", Hocon.Fails("a = \"\"\"never").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_keep_their_type_and_text()
    {
        var c = Hocon.Parse("i = 42\nn = -7\nd = 3.25\ne = 1e3\nbig = 12345678901234");
        Assert.Equal(42, c.GetInt("i"));
        Assert.Equal(-7, c.GetLong("n"));
        Assert.Equal(3.25, c.GetDouble("d"));
        Assert.Equal("1e3", c.GetString("e"));
        Assert.Equal(1000, c.GetInt("e"));
        Assert.Equal(12345678901234L, c.GetLong("big"));
    }

    [Fact]
    public void Hyphen_not_starting_a_number_is_an_error() => Assert.Contains("'-'", Hocon.Fails("a = -foo").Message, StringComparison.Ordinal);

    [Fact]
    public void Root_array_is_refused_as_a_configuration() =>
        Assert.Contains("array", Assert.Throws<ConfigException>(() => ConfigFactory.ParseString("[1,2]")).Message, StringComparison.Ordinal);

    [Fact]
    public void Content_after_root_object_is_an_error() => Assert.Contains("after the root object", Hocon.Fails("{a=1} b=2").Message, StringComparison.Ordinal);

    [Fact]
    public void Syntax_errors_name_file_line_column_and_what_was_found()
    {
        var e = Hocon.Fails("a {\n  b = 1\n  c = ]\n}");
        Assert.StartsWith("string:3:7: found ']' where the value of 'c' was expected", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.Origin!.Line);
    }

    [Fact]
    public void Strict_json_mode_refuses_hocon_extensions()
    {
        foreach (var text in new[] { "{\"a\":1 # c\n}", "{\"a\"=1}", "{a:1}", "{\"a\":1,}", "[1,2,]", "{\"a\":1\n\"b\":2}", "\"a\":1", "{\"a\":${b}}", "{\"a\": 1 2}" })
        {
            Assert.Throws<ConfigException>(() => Hocon.Json(text));
        }

        Assert.Equal("x", Hocon.Json("{\"a.b\" : \"x\"}").GetString("\"a.b\""));
    }
}
