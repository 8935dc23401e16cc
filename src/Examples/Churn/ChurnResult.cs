using System.Globalization;

namespace QuicActors.Examples.Churn;

/// <summary>The outcome of a churn run, printed as a summary and as <c>RESULT key=value</c> lines for scripts.</summary>
internal sealed record ChurnResult(
    ChurnOptions Options,
    long Completed,
    long Handled,
    long ExpectedAborts,
    long Failures,
    string? FirstFailure,
    TimeSpan Elapsed,
    int PeakLiveStreams,
    long SlotsReleased,
    long LingerReclaimed,
    long LeaksLeft,
    IReadOnlyList<string> InvariantViolations,
    long HeapBefore,
    long HeapAfter)
{
    public double StreamsPerSecond => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;

    /// <summary>Every stream completed (or ended with the abort its mode expects), nothing leaked, the ledgers are sound, and the limit held.</summary>
    public bool Succeeded => Completed == Options.Streams && Failures == 0 && LeaksLeft == 0 && InvariantViolations.Count == 0 && PeakLiveStreams <= Options.Limit;

    public void Write(TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"churn: {Options.Streams} streams, limit {Options.Limit}, mode {Mode}, engine {Options.Engine}"));
        output.WriteLine(string.Create(c, $"  streams completed       {Completed} ({ExpectedAborts} ended by the expected abort; {Handled} reached the server's handler)"));
        output.WriteLine(string.Create(c, $"  streams/s               {StreamsPerSecond:F0} ({Elapsed.TotalSeconds:F2} s)"));
        output.WriteLine(string.Create(c, $"  peak live streams       {PeakLiveStreams} (limit {Options.Limit})"));
        output.WriteLine(string.Create(c, $"  slots released          {SlotsReleased}"));
        output.WriteLine(string.Create(c, $"  reclaimed by linger     {LingerReclaimed}"));
        output.WriteLine(string.Create(c, $"  leaks left              {LeaksLeft}"));
        output.WriteLine(string.Create(c, $"  heap before / after     {HeapBefore / 1024} KiB / {HeapAfter / 1024} KiB"));
        if (Failures > 0)
        {
            output.WriteLine(string.Create(c, $"  failures                {Failures}; first: {FirstFailure}"));
        }

        foreach (var violation in InvariantViolations)
        {
            output.WriteLine("  invariant violated      " + violation);
        }

        Result(output, "engine", Options.Engine);
        Result(output, "mode", Mode);
        Result(output, "streams", Options.Streams);
        Result(output, "limit", Options.Limit);
        Result(output, "streams-completed", Completed);
        Result(output, "streams-handled", Handled);
        Result(output, "expected-aborts", ExpectedAborts);
        Result(output, "failures", Failures);
        Result(output, "elapsed-ms", (long)Elapsed.TotalMilliseconds);
        Result(output, "streams-per-second", Math.Round(StreamsPerSecond).ToString("F0", c));
        Result(output, "peak-live-streams", PeakLiveStreams);
        Result(output, "slots-released", SlotsReleased);
        Result(output, "linger-reclaimed", LingerReclaimed);
        Result(output, "leaks", LeaksLeft);
        Result(output, "invariant-violations", InvariantViolations.Count);
        Result(output, "heap-before-bytes", HeapBefore);
        Result(output, "heap-after-bytes", HeapAfter);
        Result(output, "status", Succeeded ? "ok" : "failed");
    }

    private string Mode => Options.Mode.ToString().ToLowerInvariant();

    private static void Result(TextWriter output, string key, object value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {key}={value}"));
}
