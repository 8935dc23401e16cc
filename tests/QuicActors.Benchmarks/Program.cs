using QuicActors.Benchmarks;

// Usage: dotnet run -c Release --project tests/QuicActors.Benchmarks -- <suite> <scenario> [args] [--warmup S] [--measure S]
// Each suite prints "RESULT <name> <value> <unit>" lines.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: <suite> <scenario> [args] [--warmup S] [--measure S]; suites: kernel");
    return 2;
}

return args[0] switch
{
    "kernel" => KernelBenchmarks.Run(args[1..]),
    _ => Unknown(args[0]),
};

static int Unknown(string suite)
{
    Console.Error.WriteLine($"unknown benchmark suite '{suite}'; known: kernel");
    return 2;
}
