using QuicActors.Kernel.Internal;

namespace QuicActors.TestKit;

/// <summary>What a memory spec reads off the managed heap.</summary>
public static class ManagedHeap
{
    /// <summary>
    /// The bytes live on the managed heap, read after two full, blocking, compacting collections with the finalizers
    /// run in between: the heap size of that last collection less its fragmentation. Not <c>GC.GetTotalMemory</c>, which
    /// under the regions GC can report less than the truth, even a negative number (dotnet/runtime#106712): a spec
    /// comparing two readings would then pass on a number that means nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The runtime reported a heap that is not positive.</exception>
    public static long LiveBytesAfterFullCollection()
    {
        var live = ManagedHeapReading.LiveBytesAfterFullCollection(out var info);
        return live > 0
            ? live
            : throw new InvalidOperationException($"The runtime reported a heap of {info.HeapSizeBytes} B with {info.FragmentedBytes} B fragmented after GC #{info.Index}: not a usable reading.");
    }
}
