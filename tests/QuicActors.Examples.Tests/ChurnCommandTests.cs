using System.Globalization;
using QuicActors.Examples.Churn;
using QuicActors.Examples.Common;
using QuicActors.Transport.MsQuic;

namespace QuicActors.Examples.Tests;

using QuicActors.TestKit;

/// <summary><c>churn</c> on the in-memory engine: every handler mode completes, every slot comes back, the limit holds.</summary>
public sealed class ChurnCommandTests
{
    private const int Streams = 400;
    private const int Limit = 20;

    [Theory]
    [InlineData("good")]
    [InlineData("forgetful")]
    [InlineData("crashing")]
    [InlineData("aborting")]
    public async Task Each_mode_completes_every_stream_with_no_leak(string mode)
    {
        var (exit, output, error) = await CliRunner.RunAsync("churn", "--mode", mode, "-n", Streams.ToString(CultureInfo.InvariantCulture), "-l", Limit.ToString(CultureInfo.InvariantCulture));

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{error}");
        var results = CliRunner.Results(output);
        Assert.Equal("ok", results["status"]);
        Assert.Equal(mode, results["mode"]);
        Assert.Equal("in-memory", results["engine"]);
        Assert.Equal(Streams, long.Parse(results["streams-completed"], CultureInfo.InvariantCulture));
        Assert.Equal(Streams, long.Parse(results["streams-handled"], CultureInfo.InvariantCulture));
        Assert.Equal("0", results["leaks"]);
        Assert.Equal("0", results["failures"]);
        Assert.Equal("0", results["invariant-violations"]);
        Assert.Equal(Streams, long.Parse(results["slots-released"], CultureInfo.InvariantCulture));
        var peak = int.Parse(results["peak-live-streams"], CultureInfo.InvariantCulture);
        Assert.InRange(peak, 1, Limit);
        Assert.True(long.Parse(results["streams-per-second"], CultureInfo.InvariantCulture) > 0, output);
        Assert.True(long.Parse(results["heap-before-bytes"], CultureInfo.InvariantCulture) > 0, output);
        Assert.True(long.Parse(results["heap-after-bytes"], CultureInfo.InvariantCulture) > 0, output);

        var expectedAborts = mode is "crashing" or "aborting" ? Streams : 0;
        Assert.Equal(expectedAborts, long.Parse(results["expected-aborts"], CultureInfo.InvariantCulture));
        var lingerReclaimed = mode == "forgetful" ? Streams : 0;
        Assert.Equal(lingerReclaimed, long.Parse(results["linger-reclaimed"], CultureInfo.InvariantCulture));
        Assert.Contains("leaks left              0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_concurrency_below_the_limit_still_completes()
    {
        var (exit, output, _) = await CliRunner.RunAsync("churn", "-n", "50", "-l", "10", "--concurrency", "3");
        Assert.Equal(0, exit);
        // A stream counts as live until both halves are terminal and its actors have stopped, which can be after its
        // worker has moved on to the next one; the hard bound is the server's limit.
        Assert.InRange(int.Parse(CliRunner.Results(output)["peak-live-streams"], CultureInfo.InvariantCulture), 1, 10);
    }

    [Theory]
    [InlineData("--streams", "0", "--streams 0: must be at least 1.")]
    [InlineData("--limit", "-3", "--limit -3: must be at least 1.")]
    [InlineData("--payload", "0", "--payload 0: must be in 1..1048576 bytes.")]
    public async Task Bad_numbers_are_refused_naming_the_option(string option, string value, string message)
    {
        var (exit, output, error) = await CliRunner.RunAsync("churn", option, value);
        Assert.Equal(2, exit);
        Assert.Equal("error: " + message, error.Trim());
        Assert.DoesNotContain("RESULT", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_engine_is_refused_by_the_parser()
    {
        var (exit, _, error) = await CliRunner.RunAsync("churn", "--engine", "quiche");
        Assert.NotEqual(0, exit);
        Assert.Contains("quiche", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Msquic_says_clearly_when_it_is_unavailable()
    {
        await using var probe = new MsQuicEngine();
        Skip.If(probe.IsAvailable, "msquic is installed here, so the unavailable path cannot be shown");
        var (exit, output, error) = await CliRunner.RunAsync("churn", "--engine", "msquic", "-n", "10");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: --engine msquic: The msquic engine is unavailable here: ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.DoesNotContain("RESULT", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Redirected_progress_prints_a_plain_line_per_tenth()
    {
        var output = new StringWriter();
        var bar = new ProgressBar(output, interactive: false, total: 100);
        for (var i = 0; i <= 100; i += 5)
        {
            bar.Report(i, "streams");
        }

        bar.Finish();
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(11, lines.Length);
        Assert.Equal("progress: 0/100 (0%) streams", lines[0].TrimEnd());
        Assert.Equal("progress: 100/100 (100%) streams", lines[^1].TrimEnd());
        Assert.DoesNotContain('\r', output.ToString());
    }

    [Fact]
    public void A_terminal_gets_a_bar_redrawn_in_place()
    {
        var output = new StringWriter();
        var bar = new ProgressBar(output, interactive: true, total: 10);
        bar.Report(5, "streams");
        Assert.StartsWith("\r[###############...............] 5/10 streams", output.ToString(), StringComparison.Ordinal);
    }
}
