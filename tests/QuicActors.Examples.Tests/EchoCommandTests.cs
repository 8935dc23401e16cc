using System.Globalization;
using System.Net;
using System.Net.Sockets;
using QuicActors.Examples.Echo;
using QuicActors.Transport.Ngtcp2;
using Xunit.Abstractions;

namespace QuicActors.Examples.Tests;

using QuicActors.TestKit;

/// <summary><c>echo server</c> and <c>echo client</c> over ngtcp2 on loopback, and every clear error case.</summary>
public sealed class EchoCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly ITestOutputHelper _output = output;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("echo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void SkipWithoutNgtcp2()
    {
        var engine = new Ngtcp2Engine();
        Skip.IfNot(engine.IsAvailable, "ngtcp2 is unavailable here: " + engine.UnavailableReason);
    }

    /// <summary>Starts <c>echo server</c> in-process on a free port; the caller cancels the token to stop it.</summary>
    private static async Task<(Task<int> Run, EndPoint Bound, StringWriter Out, StringWriter Err)> StartServerAsync(string? certificateOut, CancellationToken token)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var bound = new TaskCompletionSource<EndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = EchoServer.RunAsync(new EchoServer.Options("ngtcp2", "127.0.0.1:0", null, null, certificateOut, 100, false), output, error, token, bound.SetResult);
        var first = await Task.WhenAny(run, bound.Task).WaitAsync(Wait, CancellationToken.None);
        Assert.True(first == bound.Task, $"the server did not start: exit {(run.IsCompleted ? run.Result : -1)}, {error}");
        return (run, await bound.Task, output, error);
    }

    [SkippableFact]
    public async Task A_client_trusting_the_generated_certificate_gets_its_echoes_and_the_server_stops_cleanly()
    {
        SkipWithoutNgtcp2();
        var certificate = Path.Combine(_dir, "server.pem");
        using var stop = new CancellationTokenSource();
        var (server, bound, serverOut, serverErr) = await StartServerAsync(certificate, stop.Token);
        Assert.Contains("certificate self-signed for localhost (generated), written to " + certificate, serverOut.ToString(), StringComparison.Ordinal);

        string[] args = ["echo", "client", "--connect", bound.ToString()!, "--trust", certificate, "--count", "3", "--message", "héllo QUIC"];
        var (exit, output, error) = await CliRunner.RunAsync(args).WaitAsync(Wait);
        if (exit == 1 && error.Contains("The name in the certificate does not match", StringComparison.Ordinal))
        {
            // Known intermittent ngtcp2/GnuTLS verification failure under parallel test load (reported to the integrator):
            // the same certificate and name verify on the next handshake. One retry, never more.
            _output.WriteLine("retrying after a known intermittent ngtcp2 verification failure: " + error);
            (exit, output, error) = await CliRunner.RunAsync(args).WaitAsync(Wait);
        }

        Assert.True(exit == 0, error);
        Assert.Equal(["echo (stream 0): héllo QUIC", "echo (stream 4): héllo QUIC", "echo (stream 8): héllo QUIC"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        await stop.CancelAsync();
        Assert.Equal(0, await server.WaitAsync(Wait));
        Assert.Contains("echo server stopped: streams drained", serverOut.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, serverErr.ToString());
    }

    [SkippableFact]
    public async Task A_client_that_does_not_trust_the_self_signed_certificate_gets_a_handshake_error_with_a_hint()
    {
        SkipWithoutNgtcp2();
        using var stop = new CancellationTokenSource();
        var (server, bound, _, _) = await StartServerAsync(null, stop.Token);

        var (exit, output, error) = await CliRunner.RunAsync("echo", "client", "--connect", bound.ToString()!).WaitAsync(Wait);
        Assert.Equal(1, exit);
        Assert.StartsWith($"error: the handshake with {bound} failed (a self-signed server needs --trust FILE or --insecure): ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal(string.Empty, output);

        var (insecureExit, insecureOutput, _) = await CliRunner.RunAsync("echo", "client", "--connect", bound.ToString()!, "--insecure").WaitAsync(Wait);
        Assert.Equal(0, insecureExit);
        Assert.Equal("echo (stream 0): hello, QUIC", insecureOutput.Trim());

        await stop.CancelAsync();
        Assert.Equal(0, await server.WaitAsync(Wait));
    }

    [SkippableFact]
    public async Task A_busy_port_is_reported_in_one_line_naming_the_address()
    {
        SkipWithoutNgtcp2();
        using var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var busy = (IPEndPoint)occupant.LocalEndPoint!;

        var (exit, _, error) = await CliRunner.RunAsync("echo", "server", "--listen", busy.ToString()).WaitAsync(Wait);
        Assert.Equal(1, exit);
        Assert.StartsWith($"error: --listen {busy}: the address is in use", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [SkippableFact]
    public async Task An_unreachable_peer_is_reported_after_the_timeout()
    {
        SkipWithoutNgtcp2();
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var target = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");
        var (exit, _, error) = await CliRunner.RunAsync("echo", "client", "--connect", target, "--timeout", "00:00:01", "--insecure").WaitAsync(Wait);
        Assert.Equal(1, exit);
        Assert.StartsWith($"error: cannot reach {target} (--connect): no QUIC server answered within 1 s", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("server", "--listen", "999.1.1.1:80")]
    [InlineData("server", "--listen", "127.0.0.1")]
    [InlineData("client", "--connect", "not-an-address:4433")]
    [InlineData("client", "--connect", "127.0.0.1:0")]
    public async Task A_bad_address_is_refused_naming_the_option_and_value(string side, string option, string value)
    {
        var (exit, output, error) = await CliRunner.RunAsync("echo", side, option, value);
        Assert.Equal(2, exit);
        Assert.StartsWith($"error: {option} '{value}': ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task A_bad_certificate_is_refused_naming_the_file()
    {
        var bad = Path.Combine(_dir, "bad.pem");
        await File.WriteAllTextAsync(bad, "not a certificate");
        var (exit, _, error) = await CliRunner.RunAsync("echo", "server", "--listen", "127.0.0.1:0", "--cert", bad);
        Assert.Equal(2, exit);
        Assert.StartsWith($"error: --cert '{bad}': cannot load the certificate and its private key (PEM): ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_missing_trust_file_is_refused_naming_the_file()
    {
        var missing = Path.Combine(_dir, "missing.pem");
        var (exit, _, error) = await CliRunner.RunAsync("echo", "client", "--trust", missing);
        Assert.Equal(2, exit);
        Assert.StartsWith($"error: --trust '{missing}': cannot read a PEM certificate: ", error, StringComparison.Ordinal);
    }
}
