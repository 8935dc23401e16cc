using System.Runtime.InteropServices;

namespace QuicActors.Transport.Ngtcp2.Internal;

/// <summary>Finds out once whether the shim was built and loads with its ngtcp2 and GnuTLS dependencies.</summary>
internal static class Ngtcp2Library
{
    /// <summary>The Debian packages the shim is built against.</summary>
    public const string Packages = "libngtcp2-dev libngtcp2-crypto-gnutls-dev libgnutls28-dev";

    /// <summary>What <c>qa_version()</c> must return: raised with it whenever the shim's exports change, so a stale build says so.</summary>
    private const int ShimVersion = 3;

    private static readonly Lazy<string?> s_unavailableReason = new(Probe);

    /// <summary>Why the engine cannot run here, or null when it can.</summary>
    public static string? UnavailableReason => s_unavailableReason.Value;

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "The ngtcp2 engine runs on Linux only (it is built against the distribution's libngtcp2 and GnuTLS).";
        var path = Path.Combine(AppContext.BaseDirectory, "libqa_ngtcp2_shim.so");
        var alt = Path.Combine(Path.GetDirectoryName(typeof(Ngtcp2Library).Assembly.Location) ?? AppContext.BaseDirectory, "libqa_ngtcp2_shim.so");
        if (!File.Exists(path) && !File.Exists(alt))
            return $"The ngtcp2 shim (libqa_ngtcp2_shim.so) was not built: pkg-config found no ngtcp2 0.12.x with GnuTLS, or gcc is missing (the build output says which): install {Packages} pkg-config gcc and rebuild.";
        if (!NativeLibrary.TryLoad(File.Exists(alt) ? alt : path, out _))
            return $"libqa_ngtcp2_shim.so exists but does not load (libngtcp2 or GnuTLS missing at run time?): install {Packages}.";
        try
        {
            return NativeMethods.Version() == ShimVersion ? null : $"libqa_ngtcp2_shim.so has version {NativeMethods.Version()}, not {ShimVersion}: rebuild the transport project.";
        }
        catch (DllNotFoundException e)
        {
            return $"libqa_ngtcp2_shim.so could not be loaded ({e.Message}): install {Packages}.";
        }
        catch (EntryPointNotFoundException e)
        {
            return $"libqa_ngtcp2_shim.so is out of date ({e.Message}): rebuild the transport project.";
        }
    }
}
