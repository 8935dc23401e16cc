namespace QuicActors.Hosting.Internal;

/// <summary>Connection IDs for handle stamps, unique in the process across every listener and client the hosting layer starts.</summary>
internal static class ConnectionIds
{
    private static long s_last;

    public static long Next() => Interlocked.Increment(ref s_last);
}
