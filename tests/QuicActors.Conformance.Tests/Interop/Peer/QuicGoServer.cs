using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace QuicActors.Conformance.Tests.Interop.Peer;

/// <summary>
/// A running <c>quicgo-peer server</c>: started with the shared certificate on 127.0.0.1 with a free port, ready once
/// it printed <c>LISTENING</c>. Its <c>EVENT</c> lines are collected for assertions. Disposing closes its stdin (the
/// peer then closes every connection and exits) and kills it only if it does not exit in time.
/// </summary>
internal sealed class QuicGoServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private readonly Process _process;
    private readonly List<QuicGoEvent> _events = [];
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private QuicGoServer(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
        _stdoutPump = Task.Run(PumpStdoutAsync);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    /// <summary>The peer's address (127.0.0.1 and the port it picked).</summary>
    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>How the peer was started, for failure messages.</summary>
    public string CommandLine { get; }

    /// <summary>What the peer wrote on stderr so far.</summary>
    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>Every event so far, in order.</summary>
    public IReadOnlyList<QuicGoEvent> Events
    {
        get { lock (_events) return [.. _events]; }
    }

    /// <summary>
    /// Starts <c>quicgo-peer server --mode <paramref name="mode"/></c> plus <paramref name="extraArguments"/>, and
    /// waits until it listens.
    /// </summary>
    public static async Task<QuicGoServer> StartAsync(string mode, params string[] extraArguments)
    {
        var binary = QuicGoPeer.Require();
        var certificate = QuicGoPeer.Certificate;
        string[] arguments =
        [
            "server", "--listen", "127.0.0.1:0", "--cert", certificate.CertificatePath, "--key", certificate.KeyPath,
            "--alpn", QuicGoPeer.ApplicationProtocol, "--mode", mode, .. extraArguments,
        ];
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {binary}.");
        var server = new QuicGoServer(process, $"{binary} {string.Join(' ', arguments)}");
        try
        {
            server.EndPoint = await server._listening.Task.WaitAsync(StartTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            var stderr = server.Stderr;
            await server.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"The quic-go peer did not start listening ({server.CommandLine}): {e.Message} stderr: {stderr}", e);
        }
        return server;
    }

    private async Task PumpStdoutAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
            {
                var address = line["LISTENING ".Length..].Trim();
                var colon = address.LastIndexOf(':');
                _listening.TrySetResult(new IPEndPoint(IPAddress.Parse(address[..colon]), int.Parse(address[(colon + 1)..], CultureInfo.InvariantCulture)));
                continue;
            }
            if (QuicGoEvent.TryParse(line) is { } parsed)
            {
                lock (_events) _events.Add(parsed);
                Signal();
            }
        }
        _listening.TrySetException(new InvalidOperationException($"the peer exited before listening"));
        Signal();
    }

    private async Task PumpStderrAsync()
    {
        while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_stderr) _stderr.AppendLine(line);
        }
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_events)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>Waits until <paramref name="count"/> events named <paramref name="name"/> and matching <paramref name="match"/> arrived.</summary>
    public async Task<IReadOnlyList<QuicGoEvent>> WaitForEventsAsync(string name, int count, Func<QuicGoEvent, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_events)
            {
                var found = _events.Where(e => e.Name == name && (match is null || match(e))).ToList();
                if (found.Count >= count) return found;
                changed = _changed.Task;
            }
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero || _process.HasExited && _stdoutPump.IsCompleted)
                throw new TimeoutException($"The quic-go peer reported fewer than {count} '{name}' events. Events: [{string.Join(" | ", Events)}] stderr: {Stderr}");
            try
            {
                await changed.WaitAsync(remaining).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Checked again at the top of the loop, which reports what did arrive.
            }
        }
    }

    /// <summary>Waits for the first event named <paramref name="name"/> matching <paramref name="match"/>.</summary>
    public async Task<QuicGoEvent> WaitForEventAsync(string name, Func<QuicGoEvent, bool>? match = null, TimeSpan? timeout = null) =>
        (await WaitForEventsAsync(name, 1, match, timeout).ConfigureAwait(false))[0];

    /// <summary>The events named <paramref name="name"/> so far.</summary>
    public IReadOnlyList<QuicGoEvent> EventsNamed(string name) => [.. Events.Where(e => e.Name == name)];

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }
        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(exit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _process.Dispose();
    }
}
