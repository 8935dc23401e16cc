using System.Runtime.CompilerServices;
using QuicActors.TestKit;

namespace QuicActors.TestKit.Tests;

/// <summary>Alone: tests allocating beside it would move the heap by more than the slack.</summary>
[CollectionDefinition(nameof(ManagedHeapTests), DisableParallelization = true)]
[Collection(nameof(ManagedHeapTests))]
public sealed class ManagedHeapTests
{
    private const int Size = 16 * 1024 * 1024;
    private const int Slack = 2 * 1024 * 1024;

    private byte[]? _retained;

    [Fact]
    public void A_retained_array_shows_in_the_live_bytes_and_leaves_them_once_dropped()
    {
        var before = ManagedHeap.LiveBytesAfterFullCollection();
        Retain();
        var holding = ManagedHeap.LiveBytesAfterFullCollection();
        _retained = null;
        var after = ManagedHeap.LiveBytesAfterFullCollection();

        Assert.True(before > 0, $"before: {before}");
        Assert.InRange(holding - before, Size - Slack, Size + Slack);
        Assert.InRange(holding - after, Size - Slack, Size + Slack);
    }

    // Allocated in a method of its own: a debug build keeps a method's temporaries alive to its end.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Retain() => _retained = new byte[Size];
}
