namespace QuicActors.Examples.Tests;

/// <summary><c>zero-rtt</c> on the in-memory engine: the rejection story, and the accepted path for contrast.</summary>
public sealed class ZeroRttCommandTests
{
    [Fact]
    public async Task A_rejection_restarts_into_generation_2_leaves_the_old_handle_inert_and_replays()
    {
        var (exit, output, error) = await CliRunner.RunAsync("zero-rtt");

        Assert.True(exit == 0, $"{output}\n{error}");
        Assert.Equal(string.Empty, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("1. first connection: resumption ticket received", lines[0], StringComparison.Ordinal);
        Assert.Equal("2. resumed connection: opened stream 0 in generation 1 and sent \"GET /early\" as 0-RTT data (policy: Reject)", lines[1]);
        Assert.StartsWith("3. 0-RTT rejected: the connection restarted into a new generation; the early stream ended (", lines[2], StringComparison.Ordinal);
        Assert.Contains("by GenerationDiscarded", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("4. old handle (generation 1, stream 0) is inert while stream 0 of generation 2 is open: ", lines[3], StringComparison.Ordinal);
        Assert.Contains("is stale", lines[3], StringComparison.Ordinal);
        Assert.Equal("5. replay: \"GET /early\" re-sent on stream 0 of generation 2 after the handshake; the server answered \"GET /early\"", lines[4]);

        var results = CliRunner.Results(output);
        Assert.Equal("true", results["rejected"]);
        Assert.Equal("1", results["old-generation"]);
        Assert.Equal("2", results["generation"]);
        Assert.Equal("true", results["old-handle-inert"]);
        Assert.Equal("0", results["replayed-stream"]);
        Assert.Equal("GET /early", results["echo"]);
    }

    [Fact]
    public async Task Accepted_early_data_is_answered_in_generation_1()
    {
        var (exit, output, error) = await CliRunner.RunAsync("zero-rtt", "--policy", "accept");

        Assert.True(exit == 0, $"{output}\n{error}");
        var results = CliRunner.Results(output);
        Assert.Equal("false", results["rejected"]);
        Assert.Equal("1", results["generation"]);
        Assert.Equal("GET /early", results["echo"]);
    }
}
