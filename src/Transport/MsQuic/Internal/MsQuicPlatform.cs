using System.Net.Quic;
using System.Runtime.Versioning;

namespace QuicActors.Transport.MsQuic.Internal;

/// <summary>Whether System.Net.Quic can run here, and the one message that says why not.</summary>
internal static class MsQuicPlatform
{
    /// <summary>The reason reported when System.Net.Quic says it is unsupported on a platform where libmsquic could exist.</summary>
    internal const string LibMsQuicMissing =
        "System.Net.Quic reports IsSupported == false: libmsquic (msquic 2.x) is not installed; install the 'libmsquic' package from packages.microsoft.com (Linux), or use Windows 11 / Windows Server 2022 or later with TLS 1.3 enabled.";

    /// <summary>The reason reported on an operating system System.Net.Quic does not support at all.</summary>
    internal const string PlatformUnsupported =
        "System.Net.Quic runs only on Linux, Windows and macOS; this operating system is not supported.";

    /// <summary>
    /// True when both the listener and the client side of System.Net.Quic are usable. The platform guard attributes
    /// tell the platform analyzer (CA1416) that code behind this check runs only where System.Net.Quic exists.
    /// </summary>
    [SupportedOSPlatformGuard("linux")]
    [SupportedOSPlatformGuard("windows")]
    [SupportedOSPlatformGuard("osx")]
    internal static bool IsSupported { get; } = ProbeSupport();

    /// <summary>Null when <see cref="IsSupported"/>, else what is missing.</summary>
    internal static string? UnavailableReason { get; } = IsSupported ? null : DescribeUnavailability(IsKnownPlatform());

    /// <summary>The message for a machine where System.Net.Quic is unusable, by whether the operating system could host it.</summary>
    internal static string DescribeUnavailability(bool knownPlatform) => knownPlatform ? LibMsQuicMissing : PlatformUnsupported;

    /// <summary>The exception an entry point throws when the engine cannot run.</summary>
    internal static QuicTransportException Unavailable(string operation, string reason) =>
        new(QuicTransportError.EngineUnavailable, $"The msquic engine cannot {operation}: {reason}");

    private static bool IsKnownPlatform() => OperatingSystem.IsLinux() || OperatingSystem.IsWindows() || OperatingSystem.IsMacOS();

    private static bool ProbeSupport()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows() && !OperatingSystem.IsMacOS()) return false;
        return QuicListener.IsSupported && QuicConnection.IsSupported;
    }
}
