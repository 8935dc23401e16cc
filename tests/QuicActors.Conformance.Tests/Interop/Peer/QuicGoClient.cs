using System.Diagnostics;
using System.Net;
using System.Text;

namespace QuicActors.Conformance.Tests.Interop.Peer;

/// <summary>
/// Runs <c>quicgo-peer client</c> to completion against one of our listeners, trusting the shared certificate for
/// "localhost", and returns what it printed. The peer bounds itself with <c>--timeout</c>; the harness adds a margin
/// and kills it only past that.
/// </summary>
internal static class QuicGoClient
{
    /// <summary>Runs the client in <paramref name="mode"/> against <paramref name="server"/> with <paramref name="extraArguments"/>.</summary>
    /// <remarks>
    /// Looks for the peer before it returns, not inside the task: a spec usually awaits its server's accept first, and a
    /// missing peer must skip the spec at once, not after that accept has timed out.
    /// </remarks>
    public static Task<QuicGoClientResult> RunAsync(EndPoint server, string mode, TimeSpan timeout, params string[] extraArguments) =>
        RunAsync(QuicGoPeer.Require(), server, mode, timeout, extraArguments);

    private static async Task<QuicGoClientResult> RunAsync(string binary, EndPoint server, string mode, TimeSpan timeout, string[] extraArguments)
    {
        var port = ((IPEndPoint)server).Port;
        string[] arguments =
        [
            "client", "--connect", $"127.0.0.1:{port}", "--alpn", QuicGoPeer.ApplicationProtocol,
            "--ca", QuicGoPeer.Certificate.CertificatePath, "--server-name", "localhost",
            "--mode", mode, "--timeout", $"{(int)timeout.TotalMilliseconds}ms", .. extraArguments,
        ];
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {binary}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var overall = new CancellationTokenSource(timeout + TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(overall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        var lines = (await stdout.ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new QuicGoClientResult(process.ExitCode, lines, await stderr.ConfigureAwait(false), $"{binary} {string.Join(' ', arguments)}");
    }
}
