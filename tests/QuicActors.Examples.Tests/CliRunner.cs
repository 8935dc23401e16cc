using System.CommandLine;
using QuicActors.Examples.Commands;

namespace QuicActors.Examples.Tests;

/// <summary>Runs the real command line in-process and parses its <c>RESULT key=value</c> lines.</summary>
internal static class CliRunner
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CommandLineRoot.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    public static IReadOnlyDictionary<string, string> Results(string output)
    {
        var results = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                var pair = line["RESULT ".Length..];
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                results.Add(pair[..equals], pair[(equals + 1)..]);
            }
        }

        return results;
    }
}
