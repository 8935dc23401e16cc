using System.Globalization;

namespace QuicActors.Benchmarks.Engine;

/// <summary>
/// Raw engine benchmarks, no actors: the baselines the actor layer is measured against.
/// <code>
/// engine churn --engine in-memory [--streams N] [--concurrency C] [--warmup S] [--measure S]
/// engine bulk  --engine in-memory [--bytes N] [--warmup S] [--measure S]
/// engine compare [--streams N] [--concurrency C] [--runs R] [--bytes B] [--quicgo PATH]   (ngtcp2 against quic-go)
/// </code>
/// Each prints one <c>RESULT &lt;name&gt; &lt;value&gt; &lt;unit&gt;</c> line.
/// </summary>
public static class EngineBenchmarks
{
    /// <summary>Runs the benchmark named by <paramref name="args"/> (with or without a leading "engine"); returns the exit code.</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rest = args.Length > 0 && args[0] == "engine" ? args[1..] : args;
        if (rest.Length > 0 && rest[0] == "compare")
        {
            try
            {
                return CompareBenchmark.RunAsync(rest[1..]).GetAwaiter().GetResult();
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        }
        if (rest.Length == 0 || rest[0] is not ("churn" or "bulk"))
        {
            Console.Error.WriteLine("usage: engine churn|bulk --engine <name> [--streams N] [--concurrency C] [--bytes N] [--warmup S] [--measure S]\n" +
                "       engine compare [--streams N] [--concurrency C] [--runs R] [--bytes B] [--quicgo PATH]");
            return 2;
        }
        BenchmarkOptions options;
        try
        {
            options = BenchmarkOptions.Parse(rest[1..]);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        EngineSetup setup;
        try
        {
            setup = EngineSetup.Create(options.Engine);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        var unavailable = setup.Server.UnavailableReason ?? setup.Client.UnavailableReason;
        if (unavailable is not null)
        {
            Console.Error.WriteLine($"The {options.Engine} engine cannot run here: {unavailable}");
            setup.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return 3;
        }
        try
        {
            return rest[0] == "churn"
                ? ChurnBenchmark.RunAsync(setup, options).GetAwaiter().GetResult()
                : BulkBenchmark.RunAsync(setup, options).GetAwaiter().GetResult();
        }
        finally
        {
            setup.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    internal static void PrintResult(string name, double value, string unit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {name} {value:0.##} {unit}"));
}

/// <summary>Command-line options of the engine benchmarks.</summary>
internal sealed record BenchmarkOptions(string Engine, int Streams, int Concurrency, long? Bytes, TimeSpan Warmup, TimeSpan Measure)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        string engine = "in-memory";
        int streams = 0, concurrency = 64;
        long? bytes = null;
        double warmup = 2, measure = 4;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--engine": engine = Value(); break;
                case "--streams": streams = ParsePositive<int>(args[i], Value()); break;
                case "--concurrency": concurrency = ParsePositive<int>(args[i], Value()); break;
                case "--bytes": bytes = ParsePositive<long>(args[i], Value()); break;
                case "--warmup": warmup = ParseSeconds(args[i], Value(), allowZero: true); break;
                case "--measure": measure = ParseSeconds(args[i], Value(), allowZero: false); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }
        return new BenchmarkOptions(engine, streams, concurrency, bytes, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(measure));
    }

    private static T ParsePositive<T>(string option, string text) where T : System.Numerics.INumber<T>
    {
        if (!T.TryParse(text, CultureInfo.InvariantCulture, out var value) || value <= T.Zero)
            throw new ArgumentException($"{option} {text}: expected a positive integer.");
        return value;
    }

    private static double ParseSeconds(string option, string text, bool allowZero)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || (!allowZero && value == 0))
            throw new ArgumentException($"{option} {text}: expected seconds{(allowZero ? " (0 or more)" : " (more than 0)")}.");
        return value;
    }
}
