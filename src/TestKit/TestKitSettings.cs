using System.Globalization;
using Serilog.Events;

namespace QuicActors.TestKit;

/// <summary>
/// Timeouts of the TestKit. Every timeout is multiplied by <see cref="TimeFactor"/>, so a slow machine
/// dilates them all at once (environment variable <c>QUICACTORS_TEST_TIME_FACTOR</c> sets the default factor).
/// </summary>
public sealed record TestKitSettings
{
    private readonly double _timeFactor = 1.0;

    /// <summary>Name of the environment variable read by <see cref="Default"/> for <see cref="TimeFactor"/>.</summary>
    public const string TimeFactorVariable = "QUICACTORS_TEST_TIME_FACTOR";

    /// <summary>The defaults, with <see cref="TimeFactor"/> taken from <see cref="TimeFactorVariable"/> when set.</summary>
    public static TestKitSettings Default { get; } = FromEnvironment();

    /// <summary>How long an expectation waits when no timeout is given (default 5 s, before dilation).</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long <c>ExpectNoMsg()</c> watches when no duration is given (default 300 ms, before dilation).</summary>
    public TimeSpan ExpectNoMessageDefault { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How often <c>AwaitAssert</c> and <c>AwaitCondition</c> poll (default 10 ms, not dilated).</summary>
    public TimeSpan AwaitInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long disposing the TestKit waits for its actor system to terminate (default 10 s, before dilation).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The least level of kernel log events routed to the test output and event filters.</summary>
    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    /// <summary>Multiplies every TestKit timeout (default 1.0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public double TimeFactor
    {
        get => _timeFactor;
        init
        {
            if (!(value > 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(TimeFactor), value, "The time factor must be a positive finite number.");
            _timeFactor = value;
        }
    }

    /// <summary><paramref name="duration"/> multiplied by <see cref="TimeFactor"/>.</summary>
    public TimeSpan Dilated(TimeSpan duration) => duration * TimeFactor;

    private static TestKitSettings FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(TimeFactorVariable);
        if (string.IsNullOrWhiteSpace(text)) return new TestKitSettings();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) || !(factor > 0))
            throw new InvalidOperationException($"Environment variable {TimeFactorVariable}='{text}' is not a positive number.");
        return new TestKitSettings { TimeFactor = factor };
    }
}
