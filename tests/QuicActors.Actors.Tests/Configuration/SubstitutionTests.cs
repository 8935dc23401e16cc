using QuicActors.Configuration;

namespace QuicActors.Actors.Tests.Configuration;

/// <summary>HOCON spec: substitutions, optional substitutions, self-references, +=, cycles, environment fallback.</summary>
public class SubstitutionTests
{
    [Fact]
    public void Substitution_keeps_the_type_of_a_lone_value() =>
        Hocon.Same(
            """{"a":{"b":[1,2]},"c":[1,2],"d":{"b":[1,2]},"t":true,"e":true,"n":null,"f":null}""",
            "a.b = [1,2]\nc = ${a.b}\nd = ${a}\nt = true\ne = ${t}\nn = null\nf = ${n}");

    [Fact]
    public void Substitutions_look_forward_and_use_the_final_value() => Hocon.Same("""{"a":2,"b":2}""", "b = ${a}\na = 1\na = 2");

    [Fact]
    public void Substitution_in_a_concatenation_becomes_text() =>
        Hocon.Same("""{"animal":{"favorite":"cat"},"key":"cat is my favorite animal","k2":"cat is my favorite"}""", "animal.favorite = cat\nkey : ${animal.favorite} is my favorite animal\nk2 : ${animal.favorite}\" is my favorite\"");

    [Fact]
    public void Substitutions_are_not_expanded_in_quoted_strings() => Assert.Equal("${a}", Hocon.Parse("a = 1\nb = \"${a}\"").GetString("b"));

    [Fact]
    public void Missing_required_substitution_is_an_error_naming_path_and_origin()
    {
        var e = Hocon.Fails("a {\n  b = ${does.not.exist}\n}");
        Assert.Equal("a.b (string:2): cannot resolve ${does.not.exist}: no value at does.not.exist", e.Message);
    }

    [Fact]
    public void Undefined_optional_substitution_removes_the_field_or_element_or_becomes_empty_text() =>
        Hocon.Same("""{"b":1,"c":[1],"d":"","e":"x"}""", "a = ${?nope}\nb = 1\nb = ${?nope}\nc = [${?nope}, 1]\nd = ${?nope}${?nope2}\ne = ${?nope}x");

    [Fact]
    public void Null_value_is_found_and_not_looked_up_in_the_environment()
    {
        var c = ConfigFactory.ParseString("HOME = null\nh = ${HOME}").Resolve(new ConfigResolveOptions { EnvironmentReader = _ => "/home/x" });
        Assert.True(c.IsNull("h"));
    }

    [Fact]
    public void Environment_variables_are_a_fallback_that_can_be_switched_off()
    {
        var withEnv = new ConfigResolveOptions { EnvironmentReader = n => n == "MY_VAR" ? "from-env" : null };
        Assert.Equal("from-env", ConfigFactory.ParseString("a = ${MY_VAR}").Resolve(withEnv).GetString("a"));
        Assert.Equal("in-config", ConfigFactory.ParseString("MY_VAR = in-config\na = ${MY_VAR}").Resolve(withEnv).GetString("a"));
        Assert.Equal("env origin", ConfigFactory.ParseString("a = ${MY_VAR}").Resolve(withEnv).GetOrigin("a").Description.Replace("env MY_VAR", "env origin", StringComparison.Ordinal));
        var e = Assert.Throws<ConfigException>(() => ConfigFactory.ParseString("a = ${MY_VAR}").Resolve(withEnv with { UseEnvironment = false }));
        Assert.Contains("no value at MY_VAR", e.Message, StringComparison.Ordinal);
        Assert.False(ConfigFactory.ParseString("a = ${?MY_VAR}").Resolve(withEnv with { UseEnvironment = false }).HasPath("a"));
    }

    [Fact]
    public void Object_may_refer_to_its_own_fields()
    {
        Hocon.Same("""{"bar":{"foo":42,"baz":42}}""", "bar : { foo : 42, baz : ${bar.foo} }");
        Hocon.Same("""{"bar":{"foo":43,"baz":43}}""", "bar : { foo : 42, baz : ${bar.foo} }\nbar : { foo : 43 }");
    }

    [Fact]
    public void Mutually_referring_objects_look_forward() =>
        Hocon.Same("""{"bar":{"a":4,"b":3},"foo":{"c":3,"d":4}}""", "bar : { a : ${foo.d}, b : 1 }\nbar.b = 3\nfoo : { c : ${bar.b}, d : 2 }\nfoo.d = 4");

    [Fact]
    public void Self_reference_sees_the_previous_value()
    {
        Hocon.Same("""{"path":"a:b:c:d"}""", "path : \"a:b:c\"\npath : ${path}\":d\"");
        Hocon.Same("""{"path":["/bin","/usr/bin"]}""", "path = [ /bin ]\npath = ${path} [ /usr/bin ]");
        Hocon.Same("""{"foo":{"a":1}}""", "foo : { a : 1 }\nfoo : ${foo}");
    }

    [Fact]
    public void Self_reference_through_a_path_resolves_below() =>
        Hocon.Same("""{"foo":{"a":2,"c":1}}""", "foo : { a : { c : 1 } }\nfoo : ${foo.a}\nfoo : { a : 2 }");

    [Fact]
    public void Optional_self_reference_is_undefined()
    {
        Hocon.Same("""{"a":"foo"}""", "a = ${?a}foo");
        Hocon.Same("{}", "foo : ${?foo}");
    }

    [Fact]
    public void Self_reference_without_earlier_value_is_an_error_naming_the_cycle()
    {
        var e = Hocon.Fails("foo : ${foo}");
        Assert.Contains("refers to itself", e.Message, StringComparison.Ordinal);
        Assert.Contains("foo -> foo", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hidden_substitutions_are_never_evaluated() => Hocon.Same("""{"foo":42,"bar":42}""", "foo : ${does-not-exist}\nfoo : 42\nbar : ${bar}\nbar : 42");

    [Fact]
    public void Cycles_are_errors_that_name_the_cycle()
    {
        var e = Hocon.Fails("bar : ${foo}\nfoo : ${bar}");
        Assert.Contains("cycle: bar -> foo -> bar", e.Message, StringComparison.Ordinal);
        var e3 = Hocon.Fails("a : ${b}\nb : ${c}\nc : ${a}");
        Assert.Contains("a -> b -> c -> a", e3.Message, StringComparison.Ordinal);
        Assert.Contains("cycle", Hocon.Fails("a : { b : ${a} }").Message, StringComparison.Ordinal);
        Assert.Contains("cycle", Hocon.Fails("a : [${a}]").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Order_dependent_case_gives_both_the_same_value()
    {
        var c = Hocon.Parse("a : 1\nb : 2\na : ${b}\nb : ${a}");
        Assert.Equal(c.GetInt("a"), c.GetInt("b"));
    }

    [Fact]
    public void Plus_equals_appends_to_an_array()
    {
        Hocon.Same("""{"a":[1,2,3]}""", "a = [1]\na += 2\na += 3");
        Hocon.Same("""{"a":["b"]}""", "a += b");
        Hocon.Same("""{"x":{"y":[1,{"z":2}]}}""", "x { y += 1 }\nx.y += { z = 2 }");
        Assert.Contains("cannot concatenate", Hocon.Fails("a = 1\na += 2").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Object_inheritance_through_concatenation() =>
        Hocon.Same("""{"generic":{"size":6},"east":{"size":6,"name":"east"}}""", "generic = { size = 6 }\neast = ${generic} { name = \"east\" }");

    [Fact]
    public void Substitution_of_an_object_does_not_alias_it() =>
        Hocon.Same("""{"c":{"q":{"a":[2,5]},"m":{"a":[6]}}}""", "c: { q: { a: [2, 5] } }\nc: { m: ${c.q} {a: [6]} }");

    [Fact]
    public void WithFallback_layers_and_substitutes_across_layers()
    {
        var app = ConfigFactory.ParseString("a.x = 1\nb = ${ref.v}\nlist = ${list} [app]");
        var reference = ConfigFactory.ParseString("a { x = 0, y = 2 }\nref.v = hello\nlist = [ref]");
        var c = app.WithFallback(reference).Resolve(ConfigResolveOptions.NoEnvironment);
        Assert.Equal(1, c.GetInt("a.x"));
        Assert.Equal(2, c.GetInt("a.y"));
        Assert.Equal("hello", c.GetString("b"));
        Assert.Equal(["ref", "app"], c.GetStringList("list"));
    }

    [Fact]
    public void Merge_order_with_fallbacks_follows_the_spec()
    {
        var c1 = ConfigFactory.ParseString("a { x = 1 }").WithFallback(ConfigFactory.ParseString("a = 42")).WithFallback(ConfigFactory.ParseString("a { y = 2 }"));
        Assert.Equal("""{"a":{"x":1}}""", Hocon.Canon(c1.Resolve()));
        var c2 = ConfigFactory.ParseString("a { x = 1 }").WithFallback(ConfigFactory.ParseString("a { y = 2 }")).WithFallback(ConfigFactory.ParseString("a = 42"));
        Assert.Equal("""{"a":{"x":1,"y":2}}""", Hocon.Canon(c2.Resolve()));
    }

    [Fact]
    public void More_look_forward_and_merge_cases()
    {
        Hocon.Same("""{"a":{"b":2,"c":2}}""", "a = { b = ${a.c}, c = 1 }\na.c = 2");
        Hocon.Same("""{"a":{"b":{"c":1,"d":2}},"x":{"d":2}}""", "a.b.c = 1\na.b = ${x}\nx { d = 2 }");
        Hocon.Same("""{"a":[1,2]}""", "a = [1] ${?x} [2]");
        Hocon.Same("""{"bar":null,"foo":null}""", "bar = null\nfoo = ${?bar}");
        Hocon.Same("""{"a.b":1,"c":1}""", "\"a.b\" = 1\nc = ${\"a.b\"}");
        Hocon.Same("""{"x":{"y":"x1"},"z":"x1 and x1"}""", "x.y = x1\nz = ${x.y} and ${x.y}");
    }

    [Fact]
    public void Substitution_of_an_undefined_optional_value_is_missing() =>
        Assert.Contains("no value at b", Hocon.Fails("a = ${b}\nb = ${?c}").Message, StringComparison.Ordinal);

    [Fact]
    public void Substitution_syntax_errors()
    {
        Assert.Contains("empty substitution", Hocon.Fails("a = ${}").Message, StringComparison.Ordinal);
        Assert.Contains("not closed", Hocon.Fails("a = ${b").Message, StringComparison.Ordinal);
        Assert.Contains("substitutions are not allowed in keys", Hocon.Fails("${a} = 1").Message, StringComparison.Ordinal);
        Assert.Contains("'$'", Hocon.Fails("a = ${b${c}}").Message, StringComparison.Ordinal);
    }
}
