using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using QuicActors.Transport.Ngtcp2.Internal;

namespace QuicActors.Transport.Ngtcp2;

/// <summary>
/// Real QUIC over UDP on ngtcp2 0.12 and GnuTLS, the stock Debian/Ubuntu packages, through a small C shim built with
/// the transport project. The engine never re-grants stream credit on its own and surfaces 0-RTT rejection, so every
/// lifecycle decision stays with the layer above.
/// </summary>
public sealed class Ngtcp2Engine : IQuicEngine
{
    /// <summary>The engine's configuration name.</summary>
    public const string EngineName = "ngtcp2";

    private readonly Ngtcp2EngineOptions _options;

    /// <summary>Creates the engine; <paramref name="options"/> adds PEM-file certificates.</summary>
    public Ngtcp2Engine(Ngtcp2EngineOptions? options = null) => _options = options ?? new Ngtcp2EngineOptions();

    /// <inheritdoc />
    public string Name => EngineName;

    /// <inheritdoc />
    public EngineCapabilities Capabilities =>
        EngineCapabilities.ZeroRtt | EngineCapabilities.Datagrams | EngineCapabilities.ExplicitSlotRelease |
        EngineCapabilities.UnidirectionalStreams | EngineCapabilities.AcknowledgementEvents | EngineCapabilities.RealNetwork;

    /// <inheritdoc />
    public bool IsAvailable => Ngtcp2Library.UnavailableReason is null;

    /// <inheritdoc />
    public string? UnavailableReason => Ngtcp2Library.UnavailableReason;

    /// <inheritdoc />
    public ValueTask<IQuicEngineListener> ListenAsync(QuicListenerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ThrowIfUnavailable();
        cancellationToken.ThrowIfCancellationRequested();
        if (options.ListenEndPoint is not IPEndPoint listen)
            throw new ArgumentException($"{nameof(QuicListenerOptions)}.{nameof(QuicListenerOptions.ListenEndPoint)} = {options.ListenEndPoint}: the ngtcp2 engine listens on an IPEndPoint.", nameof(options));
        var (certPem, keyPem) = ServerPem(options);
        var context = CreateServerContext(certPem, keyPem, options);
        var socket = new Socket(listen.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(listen);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            context.Dispose();
            throw new QuicTransportException(QuicTransportError.AddressInUse, $"Cannot listen on {listen}: {e.Message}", e);
        }
        return ValueTask.FromResult<IQuicEngineListener>(new Ngtcp2Listener(socket, context, options));
    }

    /// <inheritdoc />
    public async ValueTask<IQuicEngineConnection> ConnectAsync(QuicClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ThrowIfUnavailable();
        var remote = await ResolveAsync(options.RemoteEndPoint, cancellationToken).ConfigureAwait(false);
        var serverName = options.ServerName ?? options.RemoteEndPoint switch
        {
            DnsEndPoint dns => dns.Host,
            IPEndPoint ip => ip.Address.ToString(),
            _ => remote.Address.ToString(),
        };
        var socket = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        var endpoint = new Ngtcp2Endpoint(socket, null, $"ngtcp2 client {serverName}");
        Ngtcp2Connection connection;
        try
        {
            lock (endpoint.Sync)
            {
                connection = CreateClient(endpoint, options, remote, serverName);
                endpoint.Add(connection);
                connection.Flush();
                if (options.EnableEarlyData && connection.EarlyDataAttempted) connection.MarkEarlyReady();
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        endpoint.Start();
        try
        {
            await connection.Ready.WaitAsync(options.HandshakeTimeout + TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (TimeoutException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new QuicTransportException(QuicTransportError.ConnectionRefused, $"No QUIC handshake with {remote} ({serverName}) completed within {options.HandshakeTimeout}.", e);
        }
        catch (QuicTransportException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private unsafe Ngtcp2Connection CreateClient(Ngtcp2Endpoint endpoint, QuicClientOptions options, IPEndPoint remote, string serverName)
    {
        var parameters = ToNative(options.Transport, options.HandshakeTimeout);
        var remoteAddress = remote.Serialize();
        var local = endpoint.LocalAddress;
        var alpn = EncodeAlpn(options.ApplicationProtocols);
        var trust = TrustPem(options);
        var verify = options.ValidatePeerCertificate && options.RemoteCertificateValidation is null;
        ReadOnlyMemory<byte> session = default, early = default;
        var allowsEarlyData = false;
        var ticket = options.ResumptionTicket;
        if (ticket is not null && ticket.Engine == EngineName && ticket.ServerName == serverName)
            Ngtcp2Connection.TrySplitTicket(ticket.Data, out session, out allowsEarlyData, out early);
        // GnuTLS would offer early data on any ticket, and a server that never allowed it (quic-go) then aborts the
        // handshake instead of rejecting 0-RTT: offer it only where the ticket said the server takes it.
        var offerEarlyData = options.EnableEarlyData && allowsEarlyData;
        var name = Encoding.UTF8.GetBytes(IPAddress.TryParse(serverName, out _) ? "" : serverName + "\0");
        var error = stackalloc byte[256];
        error[0] = 0;
        nint native;
        fixed (byte* l = local.Buffer.Span)
        fixed (byte* r = remoteAddress.Buffer.Span)
        fixed (byte* n = name)
        fixed (byte* a = alpn)
        fixed (byte* t = trust)
        fixed (byte* s = session.Span)
        fixed (byte* e = early.Span)
        {
            native = NativeMethods.ClientNew(l, (nuint)local.Size, r, (nuint)remoteAddress.Size, name.Length == 0 ? null : n, a, (nuint)alpn.Length,
                verify ? 1 : 0, trust.Length == 0 ? null : t, (nuint)trust.Length, &parameters,
                session.IsEmpty ? null : s, (nuint)session.Length, early.IsEmpty ? null : e, (nuint)early.Length,
                offerEarlyData ? 1 : 0, NativeMethods.Timestamp(), error, 256);
        }
        if (native == 0)
            throw new QuicTransportException(QuicTransportError.Internal, $"Cannot create the ngtcp2 client connection to {remote}: {new string((sbyte*)error)}.");
        return new Ngtcp2Connection(endpoint, new SafeQaConnectionHandle(native), QuicConnectionRole.Client, remote, remoteAddress, options.Transport, serverName, null)
        {
            // With verification off the callback is not consulted either: turning validation off is an explicit choice.
            CertificateValidation = options.ValidatePeerCertificate ? options.RemoteCertificateValidation : null,
            OfferedApplicationProtocols = options.ApplicationProtocols,
        };
    }

    private byte[] TrustPem(QuicClientOptions options)
    {
        var pem = new StringBuilder();
        if (options.TrustedCertificates is { } trusted)
        {
            foreach (var c in trusted) pem.AppendLine(c.ExportCertificatePem());
        }
        if (_options.TrustedCertificatesPemPath is { } path) pem.AppendLine(File.ReadAllText(path));
        return Encoding.ASCII.GetBytes(pem.ToString());
    }

    private (byte[] Cert, byte[] Key) ServerPem(QuicListenerOptions options)
    {
        if (options.ServerCertificate is { } cert)
        {
            if (!cert.HasPrivateKey)
                throw new ArgumentException($"{nameof(QuicListenerOptions)}.{nameof(QuicListenerOptions.ServerCertificate)} ({cert.Subject}) has no private key.", nameof(options));
            AsymmetricAlgorithm? key = (AsymmetricAlgorithm?)cert.GetECDsaPrivateKey() ?? cert.GetRSAPrivateKey();
            if (key is null)
                throw new ArgumentException($"{nameof(QuicListenerOptions)}.{nameof(QuicListenerOptions.ServerCertificate)} ({cert.Subject}): only ECDSA and RSA keys are supported.", nameof(options));
            using (key)
                return (Encoding.ASCII.GetBytes(cert.ExportCertificatePem()), Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
        }
        if (_options.CertificatePemPath is { } certPath && _options.PrivateKeyPemPath is { } keyPath)
            return (File.ReadAllBytes(certPath), File.ReadAllBytes(keyPath));
        throw new ArgumentException($"{nameof(QuicListenerOptions)}.{nameof(QuicListenerOptions.ServerCertificate)} is null and {nameof(Ngtcp2EngineOptions)} names no PEM files: the ngtcp2 engine needs a server certificate.", nameof(options));
    }

    private static unsafe SafeQaServerContextHandle CreateServerContext(byte[] cert, byte[] key, QuicListenerOptions options)
    {
        var alpn = EncodeAlpn(options.ApplicationProtocols);
        var policy = options.EarlyData switch { EarlyDataPolicy.Accept => 1, EarlyDataPolicy.Reject => 2, _ => 0 };
        var error = stackalloc byte[256];
        error[0] = 0;
        nint native;
        fixed (byte* c = cert)
        fixed (byte* k = key)
        fixed (byte* a = alpn)
            native = NativeMethods.ServerContextNew(c, (nuint)cert.Length, k, (nuint)key.Length, a, (nuint)alpn.Length, policy, error, 256);
        CryptographicOperations.ZeroMemory(key);
        if (native == 0)
            throw new ArgumentException($"{nameof(QuicListenerOptions)}.{nameof(QuicListenerOptions.ServerCertificate)}: {new string((sbyte*)error)}.", nameof(options));
        return new SafeQaServerContextHandle(native);
    }

    internal static QaParams ToNative(QuicTransportParameters p, TimeSpan handshakeTimeout) => new()
    {
        MaxStreamsBidi = (ulong)p.MaxInboundBidirectionalStreams,
        MaxStreamsUni = (ulong)p.MaxInboundUnidirectionalStreams,
        StreamWindow = (ulong)p.StreamReceiveWindow,
        ConnectionWindow = (ulong)p.ConnectionReceiveWindow,
        IdleTimeoutNs = (ulong)p.IdleTimeout.Ticks * 100,
        MaxDatagramFrameSize = (ulong)p.MaxDatagramFrameSize,
        HandshakeTimeoutNs = (ulong)handshakeTimeout.Ticks * 100,
    };

    private static byte[] EncodeAlpn(IReadOnlyList<string> protocols)
    {
        var buffer = new List<byte>();
        foreach (var p in protocols)
        {
            var bytes = Encoding.UTF8.GetBytes(p);
            buffer.Add((byte)bytes.Length);
            buffer.AddRange(bytes);
        }
        return [.. buffer];
    }

    private static async ValueTask<IPEndPoint> ResolveAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        switch (endPoint)
        {
            case IPEndPoint ip:
                return ip;
            case DnsEndPoint dns:
                var addresses = await Dns.GetHostAddressesAsync(dns.Host, cancellationToken).ConfigureAwait(false);
                var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                    ?? throw new QuicTransportException(QuicTransportError.ConnectionRefused, $"{nameof(QuicClientOptions)}.{nameof(QuicClientOptions.RemoteEndPoint)}: {dns.Host} resolves to no address.");
                return new IPEndPoint(address, dns.Port);
            default:
                throw new ArgumentException($"{nameof(QuicClientOptions)}.{nameof(QuicClientOptions.RemoteEndPoint)} = {endPoint}: the ngtcp2 engine connects to an IPEndPoint or DnsEndPoint.", nameof(endPoint));
        }
    }

    private static void ThrowIfUnavailable()
    {
        if (Ngtcp2Library.UnavailableReason is { } reason)
            throw new QuicTransportException(QuicTransportError.EngineUnavailable, $"The ngtcp2 engine is unavailable: {reason}");
    }

    /// <summary>The engine holds no shared resources: listeners and connections own theirs.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
