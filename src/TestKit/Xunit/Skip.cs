namespace QuicActors.TestKit;

/// <summary>
/// Skips the running test at run time, for a capability that this machine lacks (no libmsquic, an engine without
/// 0-RTT). Only works inside <see cref="SkippableFactAttribute"/> and <see cref="SkippableTheoryAttribute"/> tests; in a
/// plain <c>[Fact]</c> the exception fails the test, which is the safe outcome.
/// </summary>
public static class Skip
{
    /// <summary>Skips the test with <paramref name="reason"/> when <paramref name="condition"/> holds.</summary>
    public static void If(bool condition, string reason)
    {
        if (condition) throw new SkipException(reason);
    }

    /// <summary>Skips the test with <paramref name="reason"/> unless <paramref name="condition"/> holds.</summary>
    public static void IfNot(bool condition, string reason) => If(!condition, reason);

    /// <summary>
    /// The name of the environment variable that lists, comma-separated, the capabilities a run must have
    /// (for example <c>ngtcp2,quicgo</c>). The test command sets it once it has installed the packages a
    /// capability needs, so that in CI a missing capability fails the test instead of hiding as a skip.
    /// </summary>
    public const string RequiredCapabilitiesVariable = "QA_REQUIRE";

    /// <summary>
    /// Skips the test, printing <paramref name="reason"/>, when <paramref name="capability"/> is not available here,
    /// unless the run requires that capability (see <see cref="RequiredCapabilitiesVariable"/>): then the test fails.
    /// </summary>
    /// <exception cref="InvalidOperationException">The capability is unavailable but required by this run.</exception>
    public static void UnlessAvailable(string capability, bool available, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(capability);
        if (available) return;
        if (IsRequired(capability))
        {
            throw new InvalidOperationException(
                $"Capability '{capability}' is required by this run ({RequiredCapabilitiesVariable}={Environment.GetEnvironmentVariable(RequiredCapabilitiesVariable)}) but unavailable: {reason}");
        }
        throw new SkipException(reason);
    }

    /// <summary>Whether this run lists <paramref name="capability"/> in <see cref="RequiredCapabilitiesVariable"/>.</summary>
    public static bool IsRequired(string capability)
    {
        var required = Environment.GetEnvironmentVariable(RequiredCapabilitiesVariable);
        if (string.IsNullOrWhiteSpace(required)) return false;
        foreach (var item in required.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(item, capability, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
