using QuicActors.Configuration;

namespace QuicActors.Actors.Tests.Configuration;

/// <summary>HOCON spec, "API recommendations": automatic conversions, units, and the errors getters report.</summary>
public class GetterTests
{
    private enum Policy
    {
        Drain,
        DrainThenStop,
        StopSending,
    }

    [Fact]
    public void Automatic_type_conversions()
    {
        var c = Hocon.Parse("n = 42\nb = true\ns = \"17\"\nd = \"2.5\"\ny = yes\nno = off\nf = 1.0");
        Assert.Equal("42", c.GetString("n"));
        Assert.Equal("true", c.GetString("b"));
        Assert.Equal(17, c.GetInt("s"));
        Assert.Equal(2.5, c.GetDouble("d"));
        Assert.True(c.GetBoolean("y"));
        Assert.False(c.GetBoolean("no"));
        Assert.Equal(1, c.GetInt("f"));
    }

    [Fact]
    public void Wrong_type_names_path_origin_expectation_and_value()
    {
        var c = ConfigFactory.ParseString("quic-actors {\n  stream {\n    idle-timeout = soon\n  }\n}", originDescription: "application.conf").Resolve();
        var e = Assert.Throws<ConfigException>(() => c.GetDuration("quic-actors.stream.idle-timeout"));
        Assert.StartsWith("quic-actors.stream.idle-timeout (application.conf:3): expected a duration, got \"soon\"", e.Message, StringComparison.Ordinal);
        Assert.Equal("quic-actors.stream.idle-timeout", e.Path);
        Assert.Equal(3, e.Origin!.Line);
    }

    [Fact]
    public void Errors_from_a_sub_config_keep_the_absolute_path()
    {
        var c = Hocon.Parse("a {\n b {\n  n = x\n }\n}");
        var e = Assert.Throws<ConfigException>(() => c.GetConfig("a.b").GetInt("n"));
        Assert.StartsWith("a.b.n (string:3): expected a 32-bit integer, got \"x\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_and_null_paths_are_reported()
    {
        var c = Hocon.Parse("a {\n  x = null\n}");
        Assert.Equal("a.y (string:1): expected a string, got nothing: the path is not set", Assert.Throws<ConfigException>(() => c.GetString("a.y")).Message);
        Assert.Equal("a.x (string:2): expected a boolean, got null", Assert.Throws<ConfigException>(() => c.GetBoolean("a.x")).Message);
        Assert.Contains("expected an object (to reach a.x.z)", Assert.Throws<ConfigException>(() => Hocon.Parse("a.x = 1").GetString("a.x.z")).Message, StringComparison.Ordinal);
        Assert.False(c.HasPath("a.x"));
        Assert.True(c.HasPathOrNull("a.x"));
        Assert.False(c.HasPath("nope.deeper"));
        Assert.False(Hocon.Parse("a.x = 1").HasPath("a.x.z"));
    }

    [Fact]
    public void No_conversion_from_objects_lists_or_null()
    {
        var c = Hocon.Parse("o { a = 1 }\nl = [1]\nn = 3.5\nbig = 3000000000");
        Assert.Throws<ConfigException>(() => c.GetString("o"));
        Assert.Throws<ConfigException>(() => c.GetString("l"));
        Assert.Throws<ConfigException>(() => c.GetStringList("o"));
        Assert.Contains("not a whole number", Assert.Throws<ConfigException>(() => c.GetInt("n")).Message, StringComparison.Ordinal);
        Assert.Contains("out of range", Assert.Throws<ConfigException>(() => c.GetInt("big")).Message, StringComparison.Ordinal);
        Assert.Equal(3000000000L, c.GetLong("big"));
    }

    [Theory]
    [InlineData("1ns", 0L)]
    [InlineData("100ns", 1L)]
    [InlineData("250 nanos", 2L)]
    [InlineData("3 nanosecond", 0L)]
    [InlineData("1us", 10L)]
    [InlineData("1 micro", 10L)]
    [InlineData("2 microseconds", 20L)]
    [InlineData("1ms", 10_000L)]
    [InlineData("1.5 millis", 15_000L)]
    [InlineData("7 milliseconds", 70_000L)]
    [InlineData("1s", 10_000_000L)]
    [InlineData("2 seconds", 20_000_000L)]
    [InlineData("1m", 600_000_000L)]
    [InlineData("1 minute", 600_000_000L)]
    [InlineData("1h", 36_000_000_000L)]
    [InlineData("2 hours", 72_000_000_000L)]
    [InlineData("1d", 864_000_000_000L)]
    [InlineData("1 day", 864_000_000_000L)]
    [InlineData("  3 days  ", 2_592_000_000_000L)]
    [InlineData("250", 2_500_000L)]
    [InlineData("-5s", -50_000_000L)]
    public void Durations_in_every_spelling(string text, long ticks) =>
        Assert.Equal(TimeSpan.FromTicks(ticks), Hocon.Parse("d = \"" + text + "\"").GetDuration("d"));

    [Fact]
    public void Bare_number_duration_is_milliseconds_and_units_are_lowercase_only()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1500), Hocon.Parse("d = 1500").GetDuration("d"));
        Assert.Equal(TimeSpan.FromSeconds(10), Hocon.Parse("d = 10s").GetDuration("d"));
        var e = Assert.Throws<ConfigException>(() => Hocon.Parse("d = 10S").GetDuration("d"));
        Assert.Contains("unknown unit \"S\"", e.Message, StringComparison.Ordinal);
        Assert.Throws<ConfigException>(() => Hocon.Parse("d = 1000000000000d").GetDuration("d"));
    }

    [Theory]
    [InlineData("B", 1L)]
    [InlineData("b", 1L)]
    [InlineData("byte", 1L)]
    [InlineData("bytes", 1L)]
    [InlineData("kB", 1000L)]
    [InlineData("kilobyte", 1000L)]
    [InlineData("kilobytes", 1000L)]
    [InlineData("MB", 1000_000L)]
    [InlineData("megabytes", 1000_000L)]
    [InlineData("GB", 1000_000_000L)]
    [InlineData("gigabyte", 1000_000_000L)]
    [InlineData("TB", 1000_000_000_000L)]
    [InlineData("terabytes", 1000_000_000_000L)]
    [InlineData("PB", 1000_000_000_000_000L)]
    [InlineData("petabyte", 1000_000_000_000_000L)]
    [InlineData("EB", 1000_000_000_000_000_000L)]
    [InlineData("exabytes", 1000_000_000_000_000_000L)]
    [InlineData("K", 1024L)]
    [InlineData("k", 1024L)]
    [InlineData("Ki", 1024L)]
    [InlineData("KiB", 1024L)]
    [InlineData("kibibyte", 1024L)]
    [InlineData("kibibytes", 1024L)]
    [InlineData("M", 1L << 20)]
    [InlineData("m", 1L << 20)]
    [InlineData("Mi", 1L << 20)]
    [InlineData("MiB", 1L << 20)]
    [InlineData("mebibytes", 1L << 20)]
    [InlineData("G", 1L << 30)]
    [InlineData("g", 1L << 30)]
    [InlineData("GiB", 1L << 30)]
    [InlineData("gibibyte", 1L << 30)]
    [InlineData("T", 1L << 40)]
    [InlineData("t", 1L << 40)]
    [InlineData("Ti", 1L << 40)]
    [InlineData("tebibytes", 1L << 40)]
    [InlineData("P", 1L << 50)]
    [InlineData("p", 1L << 50)]
    [InlineData("PiB", 1L << 50)]
    [InlineData("pebibyte", 1L << 50)]
    [InlineData("E", 1L << 60)]
    [InlineData("e", 1L << 60)]
    [InlineData("EiB", 1L << 60)]
    [InlineData("exbibytes", 1L << 60)]
    public void Sizes_in_every_spelling(string unit, long bytes) =>
        Assert.Equal(bytes, Hocon.Parse("s = \"1 " + unit + "\"").GetBytes("s"));

    [Theory]
    [InlineData("1ZB")]
    [InlineData("1 zettabytes")]
    [InlineData("1Z")]
    [InlineData("1 zebibyte")]
    [InlineData("1YB")]
    [InlineData("1 yottabyte")]
    [InlineData("1Yi")]
    [InlineData("1 yobibytes")]
    [InlineData("8EiB")]
    public void Sizes_beyond_64_bits_are_reported_as_out_of_range(string text) =>
        Assert.Contains("out of range", Assert.Throws<ConfigException>(() => Hocon.Parse("s = \"" + text + "\"").GetBytes("s")).Message, StringComparison.Ordinal);

    [Fact]
    public void Sizes_accept_fractions_bare_numbers_and_refuse_unknown_units()
    {
        Assert.Equal(1536, Hocon.Parse("s = 1.5K").GetBytes("s"));
        Assert.Equal(512, Hocon.Parse("s = 512").GetBytes("s"));
        Assert.Contains("unknown unit \"KB\"", Assert.Throws<ConfigException>(() => Hocon.Parse("s = 1KB").GetBytes("s")).Message, StringComparison.Ordinal);
        Assert.Contains("negative", Assert.Throws<ConfigException>(() => Hocon.Parse("s = -1").GetBytes("s")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3", 0, 0, 3)]
    [InlineData("3d", 0, 0, 3)]
    [InlineData("3 days", 0, 0, 3)]
    [InlineData("1 day", 0, 0, 1)]
    [InlineData("2w", 0, 0, 14)]
    [InlineData("1 week", 0, 0, 7)]
    [InlineData("2 weeks", 0, 0, 14)]
    [InlineData("5m", 0, 5, 0)]
    [InlineData("5mo", 0, 5, 0)]
    [InlineData("1 month", 0, 1, 0)]
    [InlineData("6 months", 0, 6, 0)]
    [InlineData("1y", 1, 0, 0)]
    [InlineData("1 year", 1, 0, 0)]
    [InlineData("10 years", 10, 0, 0)]
    public void Periods_in_every_spelling(string text, int years, int months, int days) =>
        Assert.Equal(new ConfigPeriod(years, months, days), Hocon.Parse("p = \"" + text + "\"").GetPeriod("p"));

    [Fact]
    public void Lists_of_each_type_and_element_errors()
    {
        var c = Hocon.Parse("s = [a, 1, true]\nb = [on, false]\ni = [1, \"2\"]\nl = [5000000000]\nd = [1.5, 2]\nt = [1s, 10]\nz = [1K, 2]\np = [1d, 1y]\ne = [drain, drain-then-stop, STOP_SENDING]\no = [{a = 1}, {a = 2}]\nbad = [1, x]");
        Assert.Equal(["a", "1", "true"], c.GetStringList("s"));
        Assert.Equal([true, false], c.GetBooleanList("b"));
        Assert.Equal([1, 2], c.GetIntList("i"));
        Assert.Equal([5000000000L], c.GetLongList("l"));
        Assert.Equal([1.5, 2.0], c.GetDoubleList("d"));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10)], c.GetDurationList("t"));
        Assert.Equal([1024L, 2L], c.GetBytesList("z"));
        Assert.Equal([new ConfigPeriod(0, 0, 1), new ConfigPeriod(1, 0, 0)], c.GetPeriodList("p"));
        Assert.Equal([Policy.Drain, Policy.DrainThenStop, Policy.StopSending], c.GetEnumList<Policy>("e"));
        Assert.Equal([1, 2], c.GetConfigList("o").Select(x => x.GetInt("a")));
        Assert.StartsWith("bad[1] (string:11): expected a 32-bit integer, got \"x\"", Assert.Throws<ConfigException>(() => c.GetIntList("bad")).Message, StringComparison.Ordinal);
        Assert.Contains("expected a list", Assert.Throws<ConfigException>(() => c.GetIntList("o.0")).Message + Assert.Throws<ConfigException>(() => Hocon.Parse("x = 1").GetIntList("x")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enums_match_ignoring_case_and_separators()
    {
        var c = Hocon.Parse("a = drain-then-stop\nb = nope");
        Assert.Equal(Policy.DrainThenStop, c.GetEnum<Policy>("a"));
        Assert.Contains("expected one of Drain, DrainThenStop, StopSending, got \"nope\"", Assert.Throws<ConfigException>(() => c.GetEnum<Policy>("b")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unresolved_values_cannot_be_read()
    {
        var c = ConfigFactory.ParseString("a = ${b}\nb = 1\nc = 2");
        Assert.False(c.IsResolved);
        Assert.Equal(2, c.GetInt("c"));
        Assert.Contains("call Resolve()", Assert.Throws<ConfigException>(() => c.GetInt("a")).Message, StringComparison.Ordinal);
        Assert.Equal(1, c.Resolve().GetInt("a"));
    }

    [Fact]
    public void Invalid_path_expressions_are_config_exceptions()
    {
        var c = Hocon.Parse("a = 1");
        Assert.Throws<ConfigException>(() => c.GetString("a..b"));
        Assert.Throws<ConfigException>(() => c.GetString(""));
        Assert.Throws<ConfigException>(() => c.GetString("a{"));
        Assert.Equal(1, Hocon.Parse("\"a.b\".c = 1").GetInt("\"a.b\".c"));
    }
}
