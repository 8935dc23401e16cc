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
}
