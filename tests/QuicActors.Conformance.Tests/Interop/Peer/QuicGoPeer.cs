using System.Security.Cryptography.X509Certificates;
using QuicActors.TestKit;

namespace QuicActors.Conformance.Tests.Interop.Peer;

/// <summary>
/// Finds the quic-go interop peer (tests/interop/quicgo-peer, built by its build.sh into artifacts/quicgo-peer) and
/// holds the certificate both sides use. A missing peer fails the test in CI (environment variable CI set) and skips
/// it, with the reason and the build command, everywhere else: CI must never skip the interop tests silently.
/// </summary>
internal static class QuicGoPeer
{
    /// <summary>The environment variable that names the peer binary explicitly.</summary>
    public const string PathVariable = "QUICGO_PEER";

    /// <summary>The ALPN the peer speaks by default.</summary>
    public const string ApplicationProtocol = "quic-actors-test";

    private static readonly Lazy<string?> s_binary = new(Locate);
    private static readonly Lazy<PeerCertificate> s_certificate = new(PeerCertificate.Create);

    /// <summary>The peer binary's path, or null when it was not built.</summary>
    public static string? BinaryPath => s_binary.Value;

    /// <summary>The self-signed "localhost" certificate: quic-go servers present it, our clients trust it, and the reverse.</summary>
    public static PeerCertificate Certificate => s_certificate.Value;

    /// <summary>
    /// Whether a skip is forbidden: in CI (environment variable CI set, as CI systems do) and whenever
    /// <see cref="PathVariable"/> names the peer (scripts/test.sh exports it after building the peer), since then the
    /// run promised a peer.
    /// </summary>
    public static bool IsCi =>
        (Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "0" && !ci.Equals("false", StringComparison.OrdinalIgnoreCase)) ||
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 };

    /// <summary>
    /// Returns the peer binary's path. When it is missing: fails in CI, skips (with the reason) elsewhere. When
    /// <paramref name="engineUnavailableReason"/> is not null (the native engine the test pairs with the peer cannot
    /// run here), the same rule applies to it.
    /// </summary>
    public static string Require(string? engineUnavailableReason = null)
    {
        if (engineUnavailableReason is not null) Unavailable("ngtcp2", $"the ngtcp2 engine is unavailable: {engineUnavailableReason}");
        return BinaryPath ?? Unavailable(
            "quicgo",
            $"the quic-go peer binary was not found ({PathVariable} = '{Environment.GetEnvironmentVariable(PathVariable)}'; set it, or build the peer: bash tests/interop/quicgo-peer/build.sh artifacts/quicgo-peer; " +
            "it needs the Debian packages golang-go and golang-github-lucas-clemente-quic-go-dev)");
    }

    /// <summary>
    /// Fails in CI, otherwise goes through the shared rule (<see cref="Skip.UnlessAvailable"/>): fails when the run
    /// requires <paramref name="capability"/>, skips with the reason when it does not.
    /// </summary>
    public static string Unavailable(string capability, string reason)
    {
        if (IsCi) throw new InvalidOperationException($"This test must run in CI but cannot: {reason}.");
        Skip.UnlessAvailable(capability, available: false, $"Skipped locally: {reason}.");
        return reason;
    }

    private static string? Locate()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } explicitPath)
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "artifacts", "quicgo-peer", "quicgo-peer");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The shared certificate, as an <see cref="X509Certificate2"/> with its key and as PEM files for the peer.</summary>
    internal sealed class PeerCertificate
    {
        private PeerCertificate(X509Certificate2 certificate, string directory)
        {
            Certificate = certificate;
            CertificatePath = Path.Combine(directory, "cert.pem");
            KeyPath = Path.Combine(directory, "key.pem");
        }

        public X509Certificate2 Certificate { get; }

        public string CertificatePath { get; }

        public string KeyPath { get; }

        public static PeerCertificate Create()
        {
            var certificate = TestCertificates.CreateSelfSigned();
            var directory = Directory.CreateTempSubdirectory("quicgo-peer-cert-").FullName;
            var created = new PeerCertificate(certificate, directory);
            File.WriteAllText(created.CertificatePath, certificate.ExportCertificatePem());
            File.WriteAllText(created.KeyPath, TestCertificates.ExportPrivateKeyPem(certificate));
            return created;
        }
    }
}
