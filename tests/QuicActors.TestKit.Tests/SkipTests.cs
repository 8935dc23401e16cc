namespace QuicActors.TestKit.Tests;

using QuicActors.TestKit;

/// <summary>
/// The rule that keeps CI honest: a capability that the run requires fails its tests when it is missing, and only a
/// capability the run does not require may be skipped.
/// </summary>
[Collection(nameof(SkipTests))]
public sealed class SkipTests
{
    [Fact]
    public void An_unavailable_capability_that_the_run_does_not_require_skips_with_the_reason()
        => WithRequired("other,thing", () =>
        {
            var skip = Assert.Throws<SkipException>(() => Skip.UnlessAvailable("ngtcp2", available: false, "no libngtcp2 here"));
            Assert.Equal("no libngtcp2 here", skip.Message);
        });

    [Fact]
    public void An_unavailable_capability_that_the_run_requires_fails_naming_it_and_the_reason()
        => WithRequired(" quicgo , NGTCP2 ", () =>
        {
            var failure = Assert.Throws<InvalidOperationException>(() => Skip.UnlessAvailable("ngtcp2", available: false, "no libngtcp2 here"));
            Assert.Contains("'ngtcp2'", failure.Message, StringComparison.Ordinal);
            Assert.Contains("no libngtcp2 here", failure.Message, StringComparison.Ordinal);
        });

    [Fact]
    public void An_available_capability_neither_skips_nor_fails()
        => WithRequired("ngtcp2", () => Skip.UnlessAvailable("ngtcp2", available: true, "unused"));

    private static void WithRequired(string value, Action body)
    {
        var previous = Environment.GetEnvironmentVariable(Skip.RequiredCapabilitiesVariable);
        Environment.SetEnvironmentVariable(Skip.RequiredCapabilitiesVariable, value);
        try
        {
            body();
        }
        finally
        {
            Environment.SetEnvironmentVariable(Skip.RequiredCapabilitiesVariable, previous);
        }
    }
}
