namespace QuicActors.Configuration;

/// <summary>The TestKit's settings from <c>quic-actors.test</c>, validated.</summary>
/// <param name="TimeFactor">Factor applied to every TestKit timeout (> 0).</param>
/// <param name="SingleExpectDefault">Default wait of ExpectMsg (> 0).</param>
/// <param name="ExpectNoMessageDefault">Default wait of ExpectNoMsg (> 0).</param>
/// <param name="DefaultTimeout">Default wait of AwaitCondition and Within (> 0).</param>
public sealed record TestKitConfig(
    double TimeFactor,
    TimeSpan SingleExpectDefault,
    TimeSpan ExpectNoMessageDefault,
    TimeSpan DefaultTimeout) : IConfigSettings<TestKitConfig>
{
    /// <inheritdoc />
    public static string SectionPath => "quic-actors.test";

    /// <inheritdoc />
    public static TestKitConfig Bind(SettingsReader section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new(
            section.PositiveDouble("timefactor"),
            section.PositiveDuration("single-expect-default"),
            section.PositiveDuration("expect-no-message-default"),
            section.PositiveDuration("default-timeout"));
    }

    /// <summary>Binds from a resolved configuration.</summary>
    public static TestKitConfig From(Config config) => SettingsReader.Bind<TestKitConfig>(config);

    /// <summary>Scales a TestKit timeout by <see cref="TimeFactor"/>.</summary>
    public TimeSpan Dilated(TimeSpan duration) => TimeSpan.FromTicks((long)(duration.Ticks * TimeFactor));
}
