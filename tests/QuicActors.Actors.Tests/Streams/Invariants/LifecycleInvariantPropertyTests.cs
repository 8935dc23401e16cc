using System.Globalization;
using System.Text;
using QuicActors.Streams;
using Xunit.Abstractions;

namespace QuicActors.Actors.Tests.Streams.Invariants;

using QuicActors.TestKit;

/// <summary>
/// Random fault plans keep all six lifecycle invariants: each seed draws a <see cref="ScenarioPlan"/> (limits, linger
/// policy, frame delays that reorder, injected STOP_SENDING / RESET_STREAM / close, and what both applications do) and
/// runs it through the connection actors on virtual time; <see cref="InvariantScenario"/> checks the invariants.
/// </summary>
/// <remarks>
/// 1000 seeds in the normal run. Soak and replay through environment variables:
/// <c>QUICACTORS_INVARIANT_SEEDS=100000</c> (how many), <c>QUICACTORS_INVARIANT_FIRST_SEED=1</c> (from where), and
/// <c>QUICACTORS_INVARIANT_SEED=42</c> to replay one seed with its plan printed, e.g.
/// <c>QUICACTORS_INVARIANT_SEEDS=100000 dotnet test tests/QuicActors.Actors.Tests -c Release --filter FullyQualifiedName~LifecycleInvariantPropertyTests</c>.
/// </remarks>
public sealed class LifecycleInvariantPropertyTests : TestKit
{
    private const int DefaultSeeds = 1000;
    private const int Parallelism = 12;
    private readonly ITestOutputHelper _output;

    public LifecycleInvariantPropertyTests(ITestOutputHelper output)
        : base(output, useVirtualTime: true)
    {
        _output = output;
    }

    [Fact]
    public async Task Random_fault_plans_keep_all_six_invariants()
    {
        var (first, count) = SeedRange();
        var failures = new List<(ScenarioPlan Plan, IReadOnlyCollection<string> Violations)>();
        var next = first - 1;
        long rejections = 0, staleProbes = 0, releasesChecked = 0;
        var last = first + count - 1;
        var clock = VirtualTime!;
        using var stopPump = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            // Virtual time runs about fifty times faster than real time: delayed frames, deadlines and linger timers fire
            // soon, while each step still gives the actors time to react.
            while (!stopPump.IsCancellationRequested)
            {
                clock.Advance(TimeSpan.FromMilliseconds(50));
                await Task.Delay(1);
            }
        });

        var started = DateTime.UtcNow;
        var runners = Enumerable.Range(0, Math.Min(Parallelism, count)).Select(_ => Task.Run(async () =>
        {
            int seed;
            while ((seed = Interlocked.Increment(ref next)) <= last)
            {
                var plan = ScenarioPlan.Draw(seed);
                var log = await InvariantScenario.RunAsync(Sys, clock, plan);
                Interlocked.Add(ref rejections, plan.RejectsEarlyData ? 1 : 0);
                Interlocked.Add(ref staleProbes, log.StaleProbes);
                Interlocked.Add(ref releasesChecked, log.VerifiedReleases);
                if (log.Violations.Count > 0)
                {
                    lock (failures)
                    {
                        failures.Add((plan, log.Violations));
                    }
                }
                else if (count == 1)
                {
                    _output.WriteLine($"{plan}: no violation ({log.VerifiedReleases} releases checked against half states, {log.UnverifiedReleases} without a handle, {log.StaleProbes} stale handles probed)");
                }
            }
        })).ToArray();
        await Task.WhenAll(runners);
        await stopPump.CancelAsync();
        await pump;

        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} seeds from {first} in {(DateTime.UtcNow - started).TotalSeconds:0.0} s, {failures.Count} failing; {rejections} with 0-RTT rejected, {staleProbes} stale handles probed, {releasesChecked} releases checked against half states"));
        if (failures.Count > 0)
        {
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"{failures.Count} of {count} seeds broke an invariant. Replay one with QUICACTORS_INVARIANT_SEED=<seed>.");
            foreach (var (plan, violations) in failures.OrderBy(f => f.Plan.Seed).Take(5))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"FAILING SEED {plan.Seed}: {plan}");
                foreach (var violation in violations.Take(5))
                {
                    report.AppendLine("  " + violation);
                }
            }

            Assert.Fail(report.ToString());
        }
    }

    private static (int First, int Count) SeedRange()
    {
        if (Environment.GetEnvironmentVariable("QUICACTORS_INVARIANT_SEED") is { Length: > 0 } single)
        {
            return (Parse("QUICACTORS_INVARIANT_SEED", single), 1);
        }

        var first = Environment.GetEnvironmentVariable("QUICACTORS_INVARIANT_FIRST_SEED") is { Length: > 0 } f ? Parse("QUICACTORS_INVARIANT_FIRST_SEED", f) : 1;
        var count = Environment.GetEnvironmentVariable("QUICACTORS_INVARIANT_SEEDS") is { Length: > 0 } c ? Parse("QUICACTORS_INVARIANT_SEEDS", c) : DefaultSeeds;
        return (first, count);
    }

    private static int Parse(string variable, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ArgumentException($"{variable}={text}: expected a non-negative integer.", variable);
}
