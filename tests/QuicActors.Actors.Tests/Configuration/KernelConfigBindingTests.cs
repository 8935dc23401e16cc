using QuicActors.Configuration;
using QuicActors.Kernel;

namespace QuicActors.Actors.Tests.Configuration;

public class KernelConfigBindingTests
{
    [Fact]
    public void Application_config_over_reference_reaches_the_actor_system_settings()
    {
        var app = ConfigFactory.ParseString("quic-actors.actor { throughput = 7, ask-timeout = 250ms, log-dead-letters = off }", originDescription: "application.conf");
        var config = ConfigFactory.Load(app, ConfigResolveOptions.NoEnvironment);
        var clock = TimeProvider.System;
        var settings = KernelConfig.From(config).ToActorSystemSettings(ActorSystemSettings.Default with { TimeProvider = clock });
        Assert.Equal(7, settings.Throughput);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.DefaultAskTimeout);
        Assert.False(settings.LogDeadLetters);
        Assert.Same(clock, settings.TimeProvider);
    }

    [Fact]
    public async Task A_system_created_from_reference_conf_uses_its_defaults()
    {
        var system = ConfigFactory.Reference(ConfigResolveOptions.NoEnvironment).CreateActorSystem("from-config");
        try
        {
            Assert.Equal(30, system.Settings.Throughput);
            Assert.Equal(TimeSpan.FromSeconds(5), system.Settings.DefaultAskTimeout);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public void An_invalid_kernel_setting_fails_before_the_system_starts()
    {
        var config = ConfigFactory.Load(ConfigFactory.ParseString("quic-actors.actor.throughput = 0", originDescription: "application.conf"), ConfigResolveOptions.NoEnvironment);
        var e = Assert.Throws<ConfigException>(() => config.CreateActorSystem("never"));
        Assert.Contains("quic-actors.actor.throughput (application.conf:1)", e.Message, StringComparison.Ordinal);
    }
}
