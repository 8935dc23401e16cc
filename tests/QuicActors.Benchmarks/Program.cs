using QuicActors.Benchmarks;
using QuicActors.Benchmarks.Engine;
using QuicActors.Benchmarks.Lifecycle;

// Usage: dotnet run -c Release --project tests/QuicActors.Benchmarks -- <suite> <scenario> [args] [--warmup S] [--measure S]
// Each suite prints "RESULT <name> <value> <unit>" lines.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: <suite> <scenario> [args] [--warmup S] [--measure S]; suites: kernel, engine, lifecycle");
    return 2;
}

return args[0] switch
{
    "kernel" => KernelBenchmarks.Run(args[1..]),
    "engine" => EngineBenchmarks.Run(args[1..]),
    "lifecycle" => LifecycleBenchmarks.Run(args[1..]),
    _ => Unknown(args[0]),
};

static int Unknown(string suite)
{
    Console.Error.WriteLine($"unknown benchmark suite '{suite}'; known: kernel, engine, lifecycle");
    return 2;
}
