using System.CommandLine;
using System.Globalization;
using QuicActors.Examples.Commands;

namespace QuicActors.Examples.Tests;

/// <summary><c>quic-actors datagrams</c> on the in-memory engine, driven through the real command line parser.</summary>
public sealed class DatagramsCommandTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CommandLineRoot.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static Dictionary<string, long> Results(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("RESULT ", StringComparison.Ordinal))
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[1], parts => long.Parse(parts[2], CultureInfo.InvariantCulture));

    [Fact]
    public async Task Every_flow_is_removed_and_every_datagram_is_accounted_for()
    {
        var (exit, output, error) = await RunAsync("datagrams", "--flows", "20", "--datagrams", "3").WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"exit {exit}: {error}{output}");
        var results = Results(output);
        Assert.Equal(20, results["flows_opened"]);
        Assert.Equal(0, results["flows_left"]);

        // The server receives every client datagram and echoes it; each client tries one datagram after its FIN.
        Assert.True(results["datagrams_sent"] >= 20 * 3, output);
        Assert.True(results["datagrams_refused"] >= 20, output);

        // In memory nothing is lost on the wire: every datagram sent was either received or dropped and counted.
        Assert.Equal(results["datagrams_sent"], results["datagrams_received"] + results["datagrams_dropped"]);

        // The server gets all 60 client datagrams and the 16 patient clients all 48 of their echoes; every fifth client
        // aborts reading while its echoes are on the way, so some of its 12 echoes are refused or dropped instead.
        Assert.InRange(results["datagrams_received"], (20 * 3) + (16 * 3), (20 * 3) + (20 * 3));
        Assert.Contains("flows opened 20", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--flows", "0")]
    [InlineData("--datagrams", "-1")]
    public async Task Bad_counts_exit_1_with_the_error_on_stderr(string option, string value)
    {
        var (exit, output, error) = await RunAsync("datagrams", option, value);
        Assert.Equal(1, exit);
        Assert.DoesNotContain("RESULT", output, StringComparison.Ordinal);
        Assert.Contains("must be at least 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_engine_is_rejected_by_the_parser()
    {
        var (exit, _, error) = await RunAsync("datagrams", "--engine", "carrier-pigeon");
        Assert.NotEqual(0, exit);
        Assert.Contains("carrier-pigeon", error, StringComparison.Ordinal);
    }
}
