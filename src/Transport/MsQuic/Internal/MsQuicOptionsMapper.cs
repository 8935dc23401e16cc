using System.Net;
using System.Net.Quic;
using System.Net.Security;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SnqListenerOptions = System.Net.Quic.QuicListenerOptions;

namespace QuicActors.Transport.MsQuic.Internal;

/// <summary>
/// Turns the contract's options into System.Net.Quic's. Every limit is set explicitly on both roles, because
/// System.Net.Quic's defaults differ by role (100/10 inbound streams on servers, 0/0 on clients) and the contract's do not.
/// </summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("windows")]
[SupportedOSPlatform("osx")]
internal static class MsQuicOptionsMapper
{
    /// <summary>System.Net.Quic takes stream limits as a ushort (QUIC_SETTINGS.PeerBidiStreamCount).</summary>
    internal const int MaxStreamLimit = ushort.MaxValue;

    /// <summary>The largest receive window System.Net.Quic accepts: a power of two that fits its int property.</summary>
    internal const int MaxReceiveWindow = 1 << 30;

    /// <summary>
    /// The msquic receive window for a contract window: the largest power of two not above it (System.Net.Quic accepts
    /// only powers of two), capped at 2^30. Rounding down keeps msquic's own buffer within what the application asked
    /// for; the engine's managed accounting enforces the exact contract window on top of it.
    /// </summary>
    internal static int ToReceiveWindowSize(long window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        if (window >= MaxReceiveWindow) return MaxReceiveWindow;
        return 1 << (int)(63 - long.LeadingZeroCount(window));
    }

    /// <summary>The contract disables the idle timeout with zero; System.Net.Quic reads zero as "msquic's default" and disables it with an infinite span.</summary>
    internal static TimeSpan ToIdleTimeout(TimeSpan idleTimeout) => idleTimeout == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : idleTimeout;

    /// <summary>ALPN strings as System.Net.Quic wants them.</summary>
    internal static List<SslApplicationProtocol> ToApplicationProtocols(IReadOnlyList<string> protocols)
    {
        var list = new List<SslApplicationProtocol>(protocols.Count);
        foreach (var p in protocols) list.Add(new SslApplicationProtocol(Encoding.UTF8.GetBytes(p)));
        return list;
    }

    /// <summary>Rejects values the contract allows but System.Net.Quic cannot express, naming the value and where it came from.</summary>
    internal static void ValidateForMsQuic(QuicTransportParameters transport, string source)
    {
        if (transport.MaxInboundBidirectionalStreams > MaxStreamLimit)
            throw new ArgumentException($"{source}.{nameof(QuicTransportParameters.MaxInboundBidirectionalStreams)} = {transport.MaxInboundBidirectionalStreams}: the msquic engine allows at most {MaxStreamLimit} (System.Net.Quic takes a 16-bit limit).", source);
        if (transport.MaxInboundUnidirectionalStreams > MaxStreamLimit)
            throw new ArgumentException($"{source}.{nameof(QuicTransportParameters.MaxInboundUnidirectionalStreams)} = {transport.MaxInboundUnidirectionalStreams}: the msquic engine allows at most {MaxStreamLimit} (System.Net.Quic takes a 16-bit limit).", source);
    }

    /// <summary>The options every accepted connection of a listener gets.</summary>
    /// <param name="options">The contract's listener options (already validated).</param>
    /// <param name="engine">The engine's own settings.</param>
    /// <param name="streamCapacity">Receives the peer's MAX_STREAMS increments for this connection.</param>
    internal static QuicServerConnectionOptions CreateServerConnectionOptions(
        QuicListenerOptions options,
        MsQuicEngineOptions engine,
        Action<QuicConnection, QuicStreamCapacityChangedArgs>? streamCapacity)
    {
        var certificate = RequireServerCertificate(options);
        var result = new QuicServerConnectionOptions
        {
            ServerAuthenticationOptions = new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                ApplicationProtocols = ToApplicationProtocols(options.ApplicationProtocols),
                ClientCertificateRequired = false,
            },
        };
        ApplyShared(result, options.Transport, engine, streamCapacity);
        return result;
    }

    /// <summary>The options of an outbound connection.</summary>
    /// <param name="options">The contract's client options (already validated).</param>
    /// <param name="engine">The engine's own settings.</param>
    /// <param name="streamCapacity">Receives the peer's MAX_STREAMS increments for this connection.</param>
    internal static QuicClientConnectionOptions CreateClientConnectionOptions(
        QuicClientOptions options,
        MsQuicEngineOptions engine,
        Action<QuicConnection, QuicStreamCapacityChangedArgs>? streamCapacity)
    {
        if (options.RemoteEndPoint is not (IPEndPoint or DnsEndPoint))
            throw new ArgumentException($"{nameof(QuicClientOptions)}.{nameof(QuicClientOptions.RemoteEndPoint)} = {options.RemoteEndPoint} ({options.RemoteEndPoint.GetType().Name}): the msquic engine connects to an IPEndPoint or a DnsEndPoint only.", nameof(options));
        if (options.ResumptionTicket is not null)
            throw new QuicTransportException(QuicTransportError.NotSupported, $"{nameof(QuicClientOptions)}.{nameof(QuicClientOptions.ResumptionTicket)} is set, but System.Net.Quic in .NET 10 has no session resumption or 0-RTT API; the msquic engine cannot use a ticket (issued by engine '{options.ResumptionTicket.Engine}').");

        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = ResolveTargetHost(options),
            ApplicationProtocols = ToApplicationProtocols(options.ApplicationProtocols),
            RemoteCertificateValidationCallback = PeerCertificateValidator.Create(options),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (options.ClientCertificate is not null)
            authentication.ClientCertificates = new X509CertificateCollection { options.ClientCertificate };

        var result = new QuicClientConnectionOptions
        {
            RemoteEndPoint = options.RemoteEndPoint,
            ClientAuthenticationOptions = authentication,
            HandshakeTimeout = options.HandshakeTimeout,
        };
        ApplyShared(result, options.Transport, engine, streamCapacity);
        return result;
    }

    /// <summary>The listener options, with a callback that hands each incoming connection its options.</summary>
    internal static SnqListenerOptions CreateListenerOptions(
        QuicListenerOptions options,
        Func<QuicConnection, SslClientHelloInfo, CancellationToken, ValueTask<QuicServerConnectionOptions>> connectionOptions)
    {
        if (options.ListenEndPoint is not IPEndPoint endPoint)
            throw new ArgumentException($"{nameof(QuicListenerOptions)}.{nameof(QuicListenerOptions.ListenEndPoint)} = {options.ListenEndPoint} ({options.ListenEndPoint.GetType().Name}): the msquic engine listens on an IPEndPoint only.", nameof(options));
        RequireServerCertificate(options);
        if (options.EarlyData != EarlyDataPolicy.Disabled)
            throw new QuicTransportException(QuicTransportError.NotSupported, $"{nameof(QuicListenerOptions)}.{nameof(QuicListenerOptions.EarlyData)} = {options.EarlyData}, but System.Net.Quic in .NET 10 has no 0-RTT: the msquic engine only supports {nameof(EarlyDataPolicy)}.{nameof(EarlyDataPolicy.Disabled)}.");

        return new SnqListenerOptions
        {
            ListenEndPoint = endPoint,
            ApplicationProtocols = ToApplicationProtocols(options.ApplicationProtocols),
            ListenBacklog = options.AcceptBacklog,
            ConnectionOptionsCallback = connectionOptions,
        };
    }

    /// <summary>The TLS server name: <see cref="QuicClientOptions.ServerName"/>, else the host of the remote endpoint.</summary>
    internal static string ResolveTargetHost(QuicClientOptions options) => options.ServerName ?? options.RemoteEndPoint switch
    {
        DnsEndPoint dns => dns.Host,
        IPEndPoint ip => ip.Address.ToString(),
        var other => other.ToString() ?? string.Empty,
    };

    private static X509Certificate2 RequireServerCertificate(QuicListenerOptions options)
    {
        var certificate = options.ServerCertificate
            ?? throw new ArgumentException($"{nameof(QuicListenerOptions)}.{nameof(QuicListenerOptions.ServerCertificate)} is null: the msquic engine runs real TLS 1.3 and needs a certificate with its private key.", nameof(options));
        if (!certificate.HasPrivateKey)
            throw new ArgumentException($"{nameof(QuicListenerOptions)}.{nameof(QuicListenerOptions.ServerCertificate)} ({certificate.Subject}) has no private key; a TLS server cannot use it.", nameof(options));
        return certificate;
    }

    private static void ApplyShared(
        QuicConnectionOptions target,
        QuicTransportParameters transport,
        MsQuicEngineOptions engine,
        Action<QuicConnection, QuicStreamCapacityChangedArgs>? streamCapacity)
    {
        target.MaxInboundBidirectionalStreams = transport.MaxInboundBidirectionalStreams;
        target.MaxInboundUnidirectionalStreams = transport.MaxInboundUnidirectionalStreams;
        target.IdleTimeout = ToIdleTimeout(transport.IdleTimeout);
        target.KeepAliveInterval = engine.KeepAliveInterval;
        target.DefaultStreamErrorCode = engine.DefaultStreamErrorCode;
        target.DefaultCloseErrorCode = engine.DefaultCloseErrorCode;
        var streamWindow = ToReceiveWindowSize(transport.StreamReceiveWindow);
        target.InitialReceiveWindowSizes = new QuicReceiveWindowSizes
        {
            Connection = ToReceiveWindowSize(transport.ConnectionReceiveWindow),
            LocallyInitiatedBidirectionalStream = streamWindow,
            RemotelyInitiatedBidirectionalStream = streamWindow,
            UnidirectionalStream = streamWindow,
        };
        target.StreamCapacityCallback = streamCapacity;
    }
}
