using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace QuicActors.Transport.MsQuic.Internal;

/// <summary>
/// The client's check of the server certificate. System.Net.Quic validates against the system store and passes the
/// verdict to this callback; the callback adds the contract's rules: validation stays on unless turned off
/// explicitly, a caller's own callback decides instead of the default check, and <see cref="QuicClientOptions.TrustedCertificates"/>
/// are trust anchors in addition to the system store.
/// </summary>
internal static class PeerCertificateValidator
{
    /// <summary>The callback for <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5359:Do not disable certificate validation",
        Justification = "Only when the caller sets QuicClientOptions.ValidatePeerCertificate = false, the contract's explicit opt-out.")]
    internal static RemoteCertificateValidationCallback Create(QuicClientOptions options)
    {
        if (!options.ValidatePeerCertificate) return static (_, _, _, _) => true;
        if (options.RemoteCertificateValidation is { } custom) return custom;
        var trusted = options.TrustedCertificates is { Count: > 0 } anchors ? new X509Certificate2Collection(anchors) : null;
        return (_, certificate, chain, errors) => Validate(certificate, chain, errors, trusted);
    }

    /// <summary>
    /// Accepts a certificate the system store already trusts; otherwise accepts it only when the sole problem is the chain
    /// and the chain builds to one of <paramref name="trusted"/>. A name mismatch or a missing certificate is never excused.
    /// </summary>
    internal static bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection? trusted)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || trusted is null || certificate is null) return false;

        var ownsLeaf = certificate is not X509Certificate2;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        try
        {
            return BuildsToTrustedAnchor(leaf, chain, trusted);
        }
        finally
        {
            if (ownsLeaf) leaf.Dispose();
        }
    }

    private static bool BuildsToTrustedAnchor(X509Certificate2 leaf, X509Chain? chain, X509Certificate2Collection trusted)
    {
        using var customChain = new X509Chain();
        customChain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        customChain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        customChain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            // Intermediates the server sent are in the default chain's elements; they may complete the path to our anchor.
            foreach (var element in chain.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
                    customChain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return customChain.Build(leaf);
    }
}
