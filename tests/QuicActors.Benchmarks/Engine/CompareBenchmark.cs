using System.Diagnostics;
using System.Globalization;

namespace QuicActors.Benchmarks.Engine;

/// <summary>
/// Our ngtcp2 engine against quic-go 0.29 in one process run over loopback: <c>engine churn --engine ngtcp2</c>,
/// <c>engine bulk --engine ngtcp2</c> and the quic-go peer's own Go-to-Go churn (<c>quicgo-peer bench</c>, both ends in one
/// Go process, as ours are in one .NET process), each <c>--runs</c> times, alternating, so both see the same machine.
/// Prints every run's RESULT line, the medians, and the ratio of our churn rate to quic-go's (target: at least 1). As
/// wall-clock rates swing with whatever else the machine runs, each churn also reports its CPU time per stream (the
/// whole process: both ends, setup and warmup included, over every stream completed), which does not.
/// <code>
/// engine compare [--streams N] [--concurrency C] [--runs R] [--bytes B] [--quicgo PATH]
/// </code>
/// </summary>
internal static class CompareBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int streams = 20000, concurrency = 100, runs = 3;
        long bytes = 256L * 1024 * 1024;
        string? peer = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--streams": streams = Positive(args[i], Value()); break;
                case "--concurrency": concurrency = Positive(args[i], Value()); break;
                case "--runs": runs = Positive(args[i], Value()); break;
                case "--bytes": bytes = Positive(args[i], Value()); break;
                case "--quicgo": peer = Value(); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }
        peer ??= LocatePeer() ?? throw new ArgumentException(
            "The quic-go peer was not found: pass --quicgo PATH, set QUICGO_PEER, or build it with bash tests/interop/quicgo-peer/build.sh artifacts/quicgo-peer.");

        var ours = new List<double>();
        var theirs = new List<double>();
        var oursCpu = new List<double>();
        var theirsCpu = new List<double>();
        var bulk = new List<double>();
        // Warm-up as in quicgo-peer bench (1000 streams untimed): JIT and TLS caches settle before the timed run.
        var churn = new BenchmarkOptions("ngtcp2", streams, concurrency, null, TimeSpan.FromSeconds(1), TimeSpan.Zero);
        var transfer = new BenchmarkOptions("ngtcp2", 0, 1, bytes, TimeSpan.FromSeconds(1), TimeSpan.Zero);
        for (var run = 1; run <= runs; run++)
        {
            async Task Ours()
            {
                var (rate, cpu) = await OursAsync(churn, run);
                ours.Add(rate);
                oursCpu.Add(cpu);
            }
            async Task Theirs()
            {
                var (rate, cpu) = await QuicGoAsync(peer, streams, concurrency, run);
                theirs.Add(rate);
                theirsCpu.Add(cpu);
            }

            // Alternate which side goes first so neither always runs on a cooler or warmer machine.
            if (run % 2 == 1)
            {
                await Ours();
                await Theirs();
            }
            else
            {
                await Theirs();
                await Ours();
            }
            await using var setup = EngineSetup.Create("ngtcp2");
            var rate = await BulkBenchmark.MeasureAsync(setup, transfer);
            bulk.Add(rate);
            EngineBenchmarks.PrintResult($"engine-bulk-ngtcp2 run={run}", rate, "MB/s");
        }

        EngineBenchmarks.PrintResult("engine-churn-ngtcp2 median", Median(ours), "streams/s");
        EngineBenchmarks.PrintResult("churn-quicgo-quicgo median", Median(theirs), "streams/s");
        EngineBenchmarks.PrintResult("engine-bulk-ngtcp2 median", Median(bulk), "MB/s");
        EngineBenchmarks.PrintResult("engine-churn-ngtcp2 cpu median", Median(oursCpu), "us/stream");
        EngineBenchmarks.PrintResult("churn-quicgo-quicgo cpu median", Median(theirsCpu), "us/stream");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT churn-ratio ngtcp2/quicgo {Median(ours) / Median(theirs):0.00}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT churn-cpu-ratio quicgo/ngtcp2 {Median(theirsCpu) / Median(oursCpu):0.00}"));
        return 0;
    }

    /// <summary>Our churn: its rate, and the process's CPU time per completed stream in microseconds.</summary>
    private static async Task<(double Rate, double CpuMicrosPerStream)> OursAsync(BenchmarkOptions options, int run)
    {
        var (rate, cpu) = await ChurnBenchmark.WithCpuAsync(async () =>
        {
            await using var setup = EngineSetup.Create("ngtcp2");
            if (setup.Server.UnavailableReason is { } reason) throw new InvalidOperationException($"The ngtcp2 engine cannot run here: {reason}");
            return await ChurnBenchmark.MeasureWithTotalAsync(setup, options);
        });
        EngineBenchmarks.PrintResult($"engine-churn-ngtcp2 run={run}", rate, "streams/s");
        EngineBenchmarks.PrintResult($"engine-churn-ngtcp2 cpu run={run}", cpu, "us/stream");
        return (rate, cpu);
    }

    /// <summary>The Go-to-Go churn: its rate, and the Go process's CPU time per completed stream (warmup included) in microseconds.</summary>
    private static async Task<(double Rate, double CpuMicrosPerStream)> QuicGoAsync(string peer, int streams, int concurrency, int run)
    {
        const int warmupStreams = 1000;
        var childrenBefore = ChildrenCpu();
        var start = new ProcessStartInfo(peer) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "bench", "--streams", $"{streams}", "--concurrency", $"{concurrency}", "--warmup", $"{warmupStreams}" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {peer}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = (await stdout).Split('\n').FirstOrDefault(l => l.StartsWith("RESULT churn-quicgo-quicgo ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"quicgo-peer bench failed (exit {process.ExitCode}): {await stderr}");
        var rate = double.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture);
        // The child is reaped by now, so its CPU time is in the process's RUSAGE_CHILDREN total.
        var cpu = (ChildrenCpu() - childrenBefore).TotalMicroseconds / (streams + warmupStreams);
        EngineBenchmarks.PrintResult($"churn-quicgo-quicgo run={run}", rate, "streams/s");
        EngineBenchmarks.PrintResult($"churn-quicgo-quicgo cpu run={run}", cpu, "us/stream");
        return (rate, cpu);
    }

    /// <summary>User plus system CPU time of every reaped child process (getrusage RUSAGE_CHILDREN).</summary>
    private static TimeSpan ChildrenCpu()
    {
        ResourceUsage usage;
        try
        {
            if (NativeMethods.GetResourceUsage(NativeMethods.ResourceUsageChildren, out usage) != 0) return TimeSpan.Zero;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not Linux (or no libc by that name): the figure reads 0 rather than failing the comparison.
            return TimeSpan.Zero;
        }
        var micros = (usage.UserSeconds + usage.SystemSeconds) * 1_000_000 + usage.UserMicros + usage.SystemMicros;
        return TimeSpan.FromMicroseconds(micros);
    }

    private static string? LocatePeer()
    {
        if (Environment.GetEnvironmentVariable("QUICGO_PEER") is { Length: > 0 } path && File.Exists(path)) return path;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "artifacts", "quicgo-peer", "quicgo-peer");
            if (File.Exists(candidate)) return candidate;
        }
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "artifacts", "quicgo-peer", "quicgo-peer");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int Positive(string option, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new ArgumentException($"{option} {text}: expected a positive integer.");
}
