using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using QuicActors.Configuration;
using QuicActors.Configuration.Internal;
using CheckConfig = FsCheck.Config;

namespace QuicActors.Actors.Tests.Configuration;

/// <summary>
/// FsCheck properties: rendering then parsing gives back an equal tree; and no input, text or bytes, makes the
/// parser or resolver throw anything but <see cref="ConfigException"/> or run longer than a bound.
/// </summary>
public class PropertyTests
{
    // A hang guard, not a timing assertion: far above any honest parse even on a loaded 2-core CI machine, far
    // below "forever". Speed is measured by the benchmark, never asserted.
    private static readonly TimeSpan PerCaseBound = TimeSpan.FromSeconds(60);
    private static readonly ConfigOrigin Origin = new("generated", 1);

    private static readonly string[] KeyPieces = ["a", "b", "key", "include", "true", "null", "10", "0.5", "", " ", "a.b", "é", "\"", "\\", "${x}", "-", "x y", "\n", "//", "#"];

    private static readonly string[] TokenAlphabet =
    [
        "{", "}", "[", "]", "${a}", "${?a}", "${a.b}", "${b}", "a", "b", "a.b", "=", ":", "+=", ",", "\n", " ", "\t", "\"x\"", "\"\"\"", "\"\"\"t\"\"\"",
        "include \"x\"", "include required(\"y\")", "include url(\"http://h\")", "1", "1.5", "-2", "1e3", "true", "null", "#c", "//c", ".", "\"", "\\", "$", "?",
        "include", "file(", ")", "\u00A0", "\uFEFF", "é",
    ];

    private static Gen<string> KeyGen =>
        Gen.OneOf(Gen.Elements(KeyPieces), ArbMap.Default.GeneratorFor<string>().Where(s => s is not null).Select(s => s!));

    private static Gen<ConfigNode> ScalarGen =>
        Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null).Select(s => (ConfigNode)new ConfigString(s!, Origin)),
            Gen.Elements(KeyPieces).Select(s => (ConfigNode)new ConfigString(s, Origin)),
            ArbMap.Default.GeneratorFor<long>().Select(l => (ConfigNode)new ConfigNumber(l.ToString(CultureInfo.InvariantCulture), Origin)),
            ArbMap.Default.GeneratorFor<double>().Where(double.IsFinite).Select(d => (ConfigNode)new ConfigNumber(d.ToString("R", CultureInfo.InvariantCulture), Origin)),
            Gen.Elements(true, false).Select(b => (ConfigNode)new ConfigBoolean(b, Origin)),
            Gen.Constant((ConfigNode)new ConfigNull(Origin)));

    private static Gen<ConfigNode> ValueGen(int size) =>
        size <= 1
            ? ScalarGen
            : Gen.Frequency(
                (3, ScalarGen),
                (1, ObjectGen(size / 2).Select(o => (ConfigNode)o)),
                (1, Gen.ListOf(ValueGen(size / 2), Math.Min(size, 5)).Select(items => (ConfigNode)new ConfigList(Origin, [.. items]))));

    private static Gen<ConfigObject> ObjectGen(int size) =>
        Gen.ListOf(Gen.Zip(KeyGen, ValueGen(size / 2)), Math.Min(size, 6)).Select(fields =>
        {
            var o = new ConfigObject(Origin);
            foreach (var (k, v) in fields)
            {
                o.Fields[k] = v;
            }

            return o;
        });

    private static void Quick(Property property, int tests) =>
        Check.One(CheckConfig.QuickThrowOnFailure.WithMaxTest(tests), property);

    [Fact]
    public void Render_then_parse_gives_an_equal_value()
    {
        var trees = Gen.Sized(s => ObjectGen(Math.Min(s, 40))).ToArbitrary();
        Quick(
            Prop.ForAll(trees, root =>
            {
                var config = new QuicActors.Configuration.Config(root, ConfigPath.Root);
                var expected = Hocon.Canon(root);
                var hocon = Hocon.Canon(ConfigFactory.ParseString(config.Render()).Resolve(ConfigResolveOptions.NoEnvironment));
                var json = Hocon.Canon(ConfigFactory.ParseString(config.RenderJson(), ConfigParseOptions.Default with { Syntax = ConfigSyntax.Json }));
                return hocon == expected && json == expected;
            }),
            300);
    }

    [Fact]
    public void Arbitrary_text_only_ever_throws_ConfigException()
    {
        var texts = ArbMap.Default.GeneratorFor<string>().Where(s => s is not null).Select(s => s!).ToArbitrary();
        Quick(Prop.ForAll(texts, text => NeverThrowsOtherwise(() => ConfigFactory.ParseString(text).Resolve(ConfigResolveOptions.NoEnvironment))), 500);
    }

    [Fact]
    public void Hocon_shaped_token_soup_only_ever_throws_ConfigException()
    {
        var soups = Gen.Sized(s => Gen.ListOf(Gen.Elements(TokenAlphabet), Math.Min(s * 2, 120))).Select(parts => string.Concat(parts)).ToArbitrary();
        Quick(Prop.ForAll(soups, text => NeverThrowsOtherwise(() => ConfigFactory.ParseString(text).Resolve(ConfigResolveOptions.NoEnvironment))), 2000);
    }

    [Fact]
    public void Arbitrary_bytes_only_ever_throw_ConfigException()
    {
        var bytes = ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null).Select(b => b!).ToArbitrary();
        Quick(
            Prop.ForAll(bytes, b => NeverThrowsOtherwise(() =>
            {
                ConfigFactory.ParseBytes(b).Resolve(ConfigResolveOptions.NoEnvironment);
                return ConfigFactory.ParseStream(new MemoryStream(b), "fuzz.json");
            })),
            500);
    }

    [Fact]
    public void Pathological_inputs_fail_fast_with_ConfigException()
    {
        var deep = new string('[', 100_000) + new string(']', 100_000);
        var deepObjects = string.Concat(Enumerable.Repeat("a{", 50_000));
        var chain = new StringBuilder();
        for (var i = 0; i < 5000; i++)
        {
            chain.Append(CultureInfo.InvariantCulture, $"k{i} = ${{k{i + 1}}}\n");
        }

        chain.Append("k5000 = end\n");
        var doubling = new StringBuilder("x0 = ab\n");
        for (var i = 1; i < 64; i++)
        {
            doubling.Append(CultureInfo.InvariantCulture, $"x{i} = ${{x{i - 1}}}${{x{i - 1}}}\n");
        }

        var lists = new StringBuilder("l0 = [1]\n");
        var objects = new StringBuilder("o0 = { a = 1 }\n");
        for (var i = 1; i < 64; i++)
        {
            lists.Append(CultureInfo.InvariantCulture, $"l{i} = ${{l{i - 1}}} ${{l{i - 1}}}\n");
            objects.Append(CultureInfo.InvariantCulture, $"o{i} = {{ x = ${{o{i - 1}}}, y = ${{o{i - 1}}} }}\n");
        }

        foreach (var text in new[] { "a = " + deep, deepObjects, chain.ToString(), doubling.ToString(), lists.ToString(), objects.ToString(), string.Concat(Enumerable.Repeat("a.", 10_000)) + "b = 1" })
        {
            Assert.True(NeverThrowsOtherwise(() => ConfigFactory.ParseString(text).Resolve(ConfigResolveOptions.NoEnvironment).Render()));
        }
    }

    [Fact]
    public void Many_path_keys_under_one_object_parse_without_hanging()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 100_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"quic-actors.many.k{i} = {i}\n");
        }

        var config = (QuicActors.Configuration.Config?)null;
        Assert.True(NeverThrowsOtherwise(() => config = ConfigFactory.ParseString(text.ToString()).Resolve()));
        Assert.Equal(99_999, config!.GetInt("quic-actors.many.k99999"));
    }

    private enum Sample
    {
        One,
        TwoWords,
    }

    [Fact]
    public void Getters_on_any_value_only_ever_throw_ConfigException()
    {
        string[] values =
        [
            "1e400", "-1e300", "1e300", "\"1e300 d\"", "\"10 parsecs\"", "5s", "\"-1\"", "9223372036854775807", "-9223372036854775809", "18446744073709551616",
            "1.5", "0.1", "\" 3 \"", "\"\"", "null", "true", "yes", "{}", "[]", "[1, x]", "{ \"0\" : a }", "\"1.5.5s\"", "\"Infinity\"", "\"NaN\"",
            "\"1e40 YiB\"", "\"2147483648 w\"", "\"two-words\"", "-0", "\"7.9e28 ns\"",
        ];
        var gen = Gen.Elements(values).ToArbitrary();
        Quick(
            Prop.ForAll(gen, value => NeverThrowsOtherwise(() =>
            {
                var c = ConfigFactory.ParseString("v = " + value).Resolve(ConfigResolveOptions.NoEnvironment);
                Action[] getters =
                [
                    () => c.GetString("v"), () => c.GetBoolean("v"), () => c.GetInt("v"), () => c.GetLong("v"), () => c.GetDouble("v"),
                    () => c.GetDuration("v"), () => c.GetBytes("v"), () => c.GetPeriod("v"), () => c.GetEnum<Sample>("v"), () => c.GetConfig("v"),
                    () => c.GetStringList("v"), () => c.GetIntList("v"), () => c.GetDurationList("v"), () => c.GetBytesList("v"), () => c.GetConfigList("v"),
                    () => c.HasPath("v.x"), () => c.GetOrigin("v"),
                ];
                foreach (var get in getters)
                {
                    try
                    {
                        get();
                    }
                    catch (ConfigException)
                    {
                        // expected for most combinations
                    }
                }

                return c;
            })),
            200);
    }

    private static bool NeverThrowsOtherwise<T>(Func<T> action)
    {
        Exception? unexpected = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    action();
                }
                catch (ConfigException)
                {
                    // the one allowed failure
                }
                catch (Exception e)
                {
                    unexpected = e;
                }
            },
            maxStackSize: 1024 * 1024);
        thread.Start();
        if (!thread.Join(PerCaseBound))
        {
            throw new TimeoutException($"parsing did not finish within {PerCaseBound}");
        }

        return unexpected is null ? true : throw new InvalidOperationException("unexpected exception type " + unexpected.GetType().Name, unexpected);
    }
}
