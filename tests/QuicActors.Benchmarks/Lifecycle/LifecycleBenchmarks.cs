using System.Globalization;
using QuicActors.Benchmarks.Engine;
using QuicActors.Kernel;

namespace QuicActors.Benchmarks.Lifecycle;

/// <summary>
/// The stream-lifecycle runtime measured against its engine, in the same process:
/// <code>
/// lifecycle churn --engine in-memory [--streams N] [--concurrency C] [--runs R] [--warmup S] [--measure S] [--dispatcher D]
/// lifecycle idle  --engine in-memory [--streams N] [--dispatcher D]
/// </code>
/// <c>churn</c> runs the engine benchmark's churn through the connection actors and through the raw engine, alternating,
/// and prints the median of each rate and the median of the per-run ratios (actors / raw). <c>idle</c> holds N streams
/// open and prints the managed bytes per idle open stream on each side, then the raw engine's share of them (the same
/// streams with no actors). Each prints <c>RESULT &lt;name&gt; &lt;value&gt; &lt;unit&gt;</c> lines. <c>--dispatcher workers|thread-pool</c>
/// runs the actors on that dispatcher; without it they run on the kernel's default.
/// </summary>
public static class LifecycleBenchmarks
{
    /// <summary>Runs the scenario named by <paramref name="args"/>; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0] is not ("churn" or "idle"))
        {
            Console.Error.WriteLine("usage: lifecycle churn|idle [--engine <name>] [--streams N] [--concurrency C] [--runs R] [--warmup S] [--measure S] [--dispatcher workers|thread-pool]");
            return 2;
        }

        try
        {
            var rest = args[1..];
            var settings = TakeDispatcherOption(ref rest);
            Console.WriteLine($"INFO actors on the {(settings.Dispatcher == DispatcherKind.Workers ? "workers" : "thread-pool")} dispatcher");
            return args[0] == "churn" ? Churn(rest, settings) : Idle(rest, settings);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    private static int Churn(string[] args, ActorSystemSettings settings)
    {
        var runs = TakeIntOption(ref args, "--runs", 3);
        var options = BenchmarkOptions.Parse(args);
        var actorRates = new List<double>();
        var rawRates = new List<double>();
        var ratios = new List<double>();
        var actorCpu = new List<double>();
        var rawCpu = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var actors = WithEngine(options.Engine, setup => ChurnBenchmark.WithCpuAsync(() => ActorChurnBenchmark.MeasureAsync(setup, options, settings)));
            var raw = WithEngine(options.Engine, setup => ChurnBenchmark.WithCpuAsync(() => ChurnBenchmark.MeasureWithTotalAsync(setup, options)));
            if (actors is null || raw is null)
            {
                return 3;
            }

            actorRates.Add(actors.Value.Rate);
            rawRates.Add(raw.Value.Rate);
            ratios.Add(actors.Value.Rate / raw.Value.Rate);
            actorCpu.Add(actors.Value.CpuPerStream);
            rawCpu.Add(raw.Value.CpuPerStream);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"INFO run {run}: actors {actors.Value.Rate:0} streams/s, raw {raw.Value.Rate:0} streams/s, ratio {actors.Value.Rate / raw.Value.Rate:0.###}; CPU per stream: actors {actors.Value.CpuPerStream:0.0} us, raw {raw.Value.CpuPerStream:0.0} us"));
        }

        // CPU time per stream, warmup included, is what the neighbours of a shared machine disturb least: read it next to the rates.
        Print($"lifecycle-churn-cpu-actors-{options.Engine}", Median(actorCpu), "us/stream");
        Print($"lifecycle-churn-cpu-raw-{options.Engine}", Median(rawCpu), "us/stream");
        Print($"lifecycle-churn-actors-{options.Engine}", Median(actorRates), "streams/s");
        Print($"lifecycle-churn-raw-{options.Engine}", Median(rawRates), "streams/s");
        Print($"lifecycle-churn-ratio-{options.Engine}", Median(ratios), "actors/raw");
        return 0;
    }

    private static int Idle(string[] args, ActorSystemSettings settings)
    {
        var options = BenchmarkOptions.Parse(args);
        var streams = options.Streams > 0 ? options.Streams : 100_000;
        var result = WithEngine(options.Engine, setup => IdleStreamsBenchmark.MeasureAsync(setup, streams, settings));
        if (result is not { } costs)
        {
            return 3;
        }

        Print($"lifecycle-idle-client-{options.Engine}", costs.Client, "bytes/stream");
        Print($"lifecycle-idle-server-{options.Engine}", costs.Server, "bytes/stream");
        if (WithEngine(options.Engine, setup => RawIdleStreamsBenchmark.MeasureAsync(setup, streams)) is { } raw)
        {
            // The engine's share of the figures above, for reading them: not a target.
            Print($"lifecycle-idle-raw-client-{options.Engine}", raw.Client, "bytes/stream");
            Print($"lifecycle-idle-raw-server-{options.Engine}", raw.Server, "bytes/stream");
        }

        return 0;
    }


    /// <summary>Runs <paramref name="measure"/> on a fresh engine pair; null (with the reason on stderr) when the engine cannot run here.</summary>
    private static T? WithEngine<T>(string engine, Func<EngineSetup, Task<T>> measure)
        where T : struct
    {
        var setup = EngineSetup.Create(engine);
        try
        {
            if ((setup.Server.UnavailableReason ?? setup.Client.UnavailableReason) is { } unavailable)
            {
                Console.Error.WriteLine($"The {engine} engine cannot run here: {unavailable}");
                return null;
            }

            return measure(setup).GetAwaiter().GetResult();
        }
        finally
        {
            setup.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Removes <c>--dispatcher workers|thread-pool</c> from <paramref name="args"/>; the actor system settings to run with.</summary>
    private static ActorSystemSettings TakeDispatcherOption(ref string[] args)
    {
        var index = Array.IndexOf(args, "--dispatcher");
        if (index < 0)
        {
            return ActorSystemSettings.Default;
        }

        var value = index + 1 < args.Length ? args[index + 1] : "";
        var kind = value switch
        {
            "workers" => DispatcherKind.Workers,
            "thread-pool" => DispatcherKind.ThreadPool,
            _ => throw new ArgumentException($"--dispatcher {value}: expected workers or thread-pool."),
        };
        args = [.. args[..index], .. args[(index + 2)..]];
        return ActorSystemSettings.Default with { Dispatcher = kind };
    }

    /// <summary>Removes <paramref name="name"/> and its value from <paramref name="args"/>; the value, or <paramref name="fallback"/>.</summary>
    internal static int TakeIntOption(ref string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0)
        {
            return fallback;
        }

        if (index + 1 >= args.Length || !int.TryParse(args[index + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            throw new ArgumentException($"{name} {(index + 1 < args.Length ? args[index + 1] : "")}: expected a positive integer.");
        }

        args = [.. args[..index], .. args[(index + 2)..]];
        return value;
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    internal static void Print(string name, double value, string unit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {name} {value:0.###} {unit}"));

    internal static long FullGcHeap() => QuicActors.TestKit.ManagedHeap.LiveBytesAfterFullCollection();
}
