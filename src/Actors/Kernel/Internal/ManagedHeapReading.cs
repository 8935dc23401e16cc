namespace QuicActors.Kernel.Internal;

/// <summary>
/// The live managed heap, read after two full, blocking, compacting collections with the finalizers run in between: the
/// heap size of that last collection less its fragmentation. Not <c>GC.GetTotalMemory</c>, which under the regions GC can
/// report less than the truth, even a negative number (dotnet/runtime#106712). Shared by the TestKit's
/// <c>ManagedHeap</c> and the churn example's heap figures.
/// </summary>
internal static class ManagedHeapReading
{
    /// <summary>The live bytes, and the collection's figures they come from (<paramref name="info"/>).</summary>
    public static long LiveBytesAfterFullCollection(out GCMemoryInfo info)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return info.HeapSizeBytes - info.FragmentedBytes;
    }
}
