using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace QuicActors.Benchmarks.Lifecycle;

/// <summary>
/// With <c>QUICACTORS_ALLOC_PROFILE=1</c> in the environment, samples the runtime's GC AllocationTick events (one per
/// ~100 KB allocated, naming the type that crossed the mark) and prints the top types by sampled bytes on each
/// <c>Print</c>: a sampling profile of what the lifecycle scenarios allocate, without a profiler. The listener allocates
/// too, so idle-heap figures taken while it is on are skewed.
/// </summary>
internal sealed class AllocationProfile : EventListener
{
    private const int GcKeyword = 0x1;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    public static AllocationProfile? StartIfRequested() =>
        Environment.GetEnvironmentVariable("QUICACTORS_ALLOC_PROFILE") == "1" ? new AllocationProfile() : null;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var typeIndex = eventData.PayloadNames.IndexOf("TypeName");
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (typeIndex < 0 || amountIndex < 0 || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.Payload[typeIndex] as string ?? "?";
        var amount = Convert.ToInt64(eventData.Payload[amountIndex], CultureInfo.InvariantCulture);
        _bytesByType.AddOrUpdate(type, amount, (_, total) => total + amount);
    }

    public void Print(long streams, int top = 40)
    {
        var total = _bytesByType.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"INFO allocation profile: {total / (double)Math.Max(1, streams):0} sampled bytes per stream"));
        foreach (var (type, bytes) in _bytesByType.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"INFO   {bytes / (double)Math.Max(1, streams),8:0} B/stream  {type}"));
        }
    }
}
