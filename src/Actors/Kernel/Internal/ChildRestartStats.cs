namespace QuicActors.Kernel.Internal;

/// <summary>Restart bookkeeping for one child, kept by its supervisor.</summary>
internal sealed class ChildRestartStats
{
    public int Count { get; set; }

    public long WindowStart { get; set; }
}
