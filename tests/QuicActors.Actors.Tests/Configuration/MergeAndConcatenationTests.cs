namespace QuicActors.Actors.Tests.Configuration;

/// <summary>HOCON spec: duplicate keys and object merging, value concatenation, paths and paths as keys.</summary>
public class MergeAndConcatenationTests
{
    [Fact]
    public void Duplicate_objects_merge() => Hocon.Same("""{"foo":{"a":42,"b":43}}""", """{ "foo" : { "a" : 42 }, "foo" : { "b" : 43 } }""");

    [Fact]
    public void Later_scalar_wins() => Hocon.Same("""{"a":2,"b":{"c":[3]}}""", "a = 1\na = 2\nb { c = 1 }\nb.c = [3]");

    [Fact]
    public void Null_stops_a_merge() => Hocon.Same("""{"foo":{"b":43}}""", """{ "foo" : { "a" : 42 }, "foo" : null, "foo" : { "b" : 43 } }""");

    [Fact]
    public void Scalar_between_objects_stops_a_merge() => Hocon.Same("""{"foo":{"b":43}}""", "foo { a = 42 }\nfoo = 1\nfoo { b = 43 }");

    [Fact]
    public void Nested_objects_merge_recursively() => Hocon.Same("""{"a":{"b":{"c":1,"d":2},"e":3}}""", "a { b { c = 1 } }\na { b { d = 2 }, e = 3 }");

    [Fact]
    public void Simple_values_concatenate_into_a_string_keeping_inner_whitespace() =>
        Hocon.Same("""{"a":"foo bar  baz","b":"null bar 42 baz true 3.14 hi","c":1.0}""", "a =   foo bar  \"baz\"   \nb = null bar 42 baz true 3.14 hi\nc = 1.0 \n");

    [Fact]
    public void Single_value_is_not_converted_to_string()
    {
        var c = Hocon.Parse("a = true\nb = 42\nc = true foo");
        Assert.True(c.GetBoolean("a"));
        Assert.Equal("42", c.GetString("b"));
        Assert.Equal("true foo", c.GetString("c"));
    }

    [Fact]
    public void Numbers_concatenate_as_written() => Hocon.Same("""{"a":"1e5 0.50 x"}""", "a = 1e5 0.50 x");

    [Fact]
    public void Arrays_concatenate() => Hocon.Same("""{"a":[1,2,3,4],"b":[[1,2,3,4]],"c":[[1,2],[3,4]],"d":["1 2 3 4"]}""", "a = [1,2] [3,4]\nb = [ [1,2] [3,4] ]\nc = [ [1,2]\n [3,4] ]\nd = [ 1 2 3 4 ]");

    [Fact]
    public void Objects_concatenate_by_merging() => Hocon.Same("""{"a":{"b":1,"c":2}}""", "a = { b : 1 } { c : 2 }");

    [Fact]
    public void Mixed_concatenation_is_an_error()
    {
        Assert.Contains("cannot concatenate", Hocon.Fails("a = [1] {b = 1}").Message, StringComparison.Ordinal);
        Assert.Contains("cannot concatenate", Hocon.Fails("a = [1] foo").Message, StringComparison.Ordinal);
        Assert.Contains("cannot concatenate", Hocon.Fails("x = [1]\na = foo ${x}").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Newline_ends_a_concatenation()
    {
        Assert.Contains("found '[' where a key was expected", Hocon.Fails("a = [1]\n[2]").Message, StringComparison.Ordinal);
        Assert.Contains("after key 'y'", Hocon.Fails("a = x\ny").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_as_keys_expand_to_nested_objects() => Hocon.Same("""{"foo":{"bar":{"baz":42}},"a":{"x":42,"y":43}}""", "foo.bar.baz : 42\na.x : 42, a.y : 43");

    [Fact]
    public void Quoted_path_elements_keep_dots() => Hocon.Same("""{"foo":{"bar":{"hello.world":1}}}""", "foo.bar.\"hello.world\" = 1");

    [Fact]
    public void Numbers_in_paths_split_at_their_dots()
    {
        Hocon.Same("""{"10":{"0foo":1},"foo10":{"0":2},"foo10.0":3}""", "10.0foo = 1\nfoo10.0 = 2\nfoo\"10.0\" = 3");
        Hocon.Same("""{"true":42,"3":{"14":42}}""", "true : 42\n3.14 : 42");
    }

    [Fact]
    public void Whitespace_inside_keys_is_kept() => Hocon.Same("""{"a b c":42}""", "a b c : 42");

    [Theory]
    [InlineData("a..b = 1")]
    [InlineData(".a = 1")]
    [InlineData("a. = 1")]
    public void Empty_path_elements_must_be_quoted(string text) => Assert.Contains("empty element", Hocon.Fails(text).Message, StringComparison.Ordinal);

    [Fact]
    public void Quoted_empty_path_element_is_allowed() => Hocon.Same("""{"a":{"":{"b":1}}}""", "a.\"\".b = 1");

    [Fact]
    public void Include_is_only_special_at_the_start_of_a_key() =>
        Hocon.Same("""{"foo include":42,"a":"include","b":["include"],"include":1}""", "foo include : 42\na : include\nb = [ include ]\n\"include\" : 1");

    [Fact]
    public void Numerically_indexed_objects_convert_to_lists_when_a_list_is_requested()
    {
        var c = Hocon.Parse("a { \"2\" = c, \"0\" = a, \"1\" = b, x = ignored }\nb = [z] ${a}\nempty {}");
        Assert.Equal(["a", "b", "c"], c.GetStringList("a"));
        Assert.Equal(["z", "a", "b", "c"], c.GetStringList("b"));
        Assert.Throws<QuicActors.Configuration.ConfigException>(() => c.GetStringList("empty"));
        Assert.Equal("ignored", c.GetString("a.x"));
    }
}
