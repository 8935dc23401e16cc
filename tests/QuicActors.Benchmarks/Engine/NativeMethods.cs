using System.Runtime.InteropServices;

namespace QuicActors.Benchmarks.Engine;

/// <summary>getrusage(2) from libc, for the CPU time of the quic-go peer the compare benchmark runs as a child.</summary>
internal static class NativeMethods
{
    /// <summary>RUSAGE_CHILDREN: every child process that was waited for.</summary>
    public const int ResourceUsageChildren = -1;

    [DllImport("libc", EntryPoint = "getrusage")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int GetResourceUsage(int who, out ResourceUsage usage);
}

/// <summary>The leading fields of Linux x86-64/arm64 <c>struct rusage</c> (two timevals), padded to its full 144 bytes.</summary>
[StructLayout(LayoutKind.Sequential, Size = 144)]
internal struct ResourceUsage
{
    public long UserSeconds;
    public long UserMicros;
    public long SystemSeconds;
    public long SystemMicros;
}
