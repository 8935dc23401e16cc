using Microsoft.Extensions.Configuration;
using QuicActors.Configuration;
using QuicActors.Hosting;

namespace QuicActors.Actors.Tests.Hosting;

/// <summary>How IConfiguration keys and values become HOCON overrides.</summary>
public sealed class ConfigurationOverridesTests
{
    [Theory]
    [InlineData("ShutdownGracePeriod", "shutdown-grace-period")]
    [InlineData("shutdownGracePeriod", "shutdown-grace-period")]
    [InlineData("max-inbound-bidirectional-streams", "max-inbound-bidirectional-streams")]
    [InlineData("listener", "listener")]
    [InlineData("MaxInboundBidirectionalStreams", "max-inbound-bidirectional-streams")]
    [InlineData("ALPN", "alpn")]
    [InlineData("HTTPPort", "http-port")]
    [InlineData("Port2Value", "port2-value")]
    public void Segments_become_kebab_case(string segment, string expected) =>
        Assert.Equal(expected, ConfigurationOverrides.ToHoconKey(segment));

    [Fact]
    public void Values_keep_quotes_backslashes_and_new_lines_and_numbered_children_become_lists()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["QuicActors:my:text"] = "a \"quoted\" \\ value\nsecond line",
            ["QuicActors:my:list:1"] = "second",
            ["QuicActors:my:list:0"] = "first",
            ["QuicActors:my:sparse:0"] = "zero",
            ["QuicActors:my:sparse:2"] = "two",
        }).Build().GetSection("QuicActors");

        var config = ConfigurationOverrides.Apply(ConfigFactory.ParseString("quic-actors.my.kept = 1"), section).Resolve();

        Assert.Equal("a \"quoted\" \\ value\nsecond line", config.GetString("quic-actors.my.text"));
        Assert.Equal(["first", "second"], config.GetStringList("quic-actors.my.list"));
        Assert.Equal("zero", config.GetString("quic-actors.my.sparse.0"));
        Assert.Equal("two", config.GetString("quic-actors.my.sparse.2"));
        Assert.Equal(1, config.GetInt("quic-actors.my.kept"));
    }

    [Fact]
    public void An_empty_section_changes_nothing()
    {
        var hocon = ConfigFactory.ParseString("quic-actors.a = 1");
        var section = new ConfigurationBuilder().Build().GetSection("QuicActors");
        Assert.Same(hocon, ConfigurationOverrides.Apply(hocon, section));
    }

    [Fact]
    public void A_list_of_objects_is_refused_naming_the_key()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["QuicActors:listeners:0:port"] = "1",
        }).Build().GetSection("QuicActors");

        var ex = Assert.Throws<ConfigException>(() => ConfigurationOverrides.Apply(Config.Empty, section));
        Assert.Contains("QuicActors:listeners:0", ex.Message, StringComparison.Ordinal);
    }
}
