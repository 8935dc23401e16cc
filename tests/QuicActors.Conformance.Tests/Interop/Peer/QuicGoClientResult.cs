using System.Text;

namespace QuicActors.Conformance.Tests.Interop.Peer;

/// <summary>How a <c>quicgo-peer client</c> run ended.</summary>
internal sealed record QuicGoClientResult(int ExitCode, IReadOnlyList<string> Stdout, string Stderr, string CommandLine)
{
    /// <summary>The <c>RESULT</c> line without its prefix, or null when the client printed none.</summary>
    public string? Result => Stdout.LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))?["RESULT ".Length..];

    /// <summary>Asserts exit code 0 and returns the RESULT line.</summary>
    public string AssertSucceeded()
    {
        Assert.True(ExitCode == 0 && Result is not null, Describe("should have succeeded"));
        return Result!;
    }

    public string Describe(string expectation)
    {
        var text = new StringBuilder();
        text.Append(CultureInfoInvariant($"quic-go client {expectation}; exit code {ExitCode}. Command: {CommandLine}"));
        text.Append("\nstdout:\n").AppendJoin('\n', Stdout).Append("\nstderr:\n").Append(Stderr);
        return text.ToString();
    }

    private static string CultureInfoInvariant(FormattableString s) => FormattableString.Invariant(s);
}
