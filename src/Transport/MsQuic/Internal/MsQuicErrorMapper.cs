using System.Net;
using System.Net.Quic;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Authentication;

namespace QuicActors.Transport.MsQuic.Internal;

/// <summary>
/// Translates what System.Net.Quic throws into the contract's <see cref="QuicTransportException"/> kinds and
/// <see cref="ConnectionCloseInfo"/>. In .NET 10, address and reachability failures arrive as <see cref="SocketException"/>,
/// TLS and ALPN failures as <see cref="AuthenticationException"/>, and the rest as <see cref="QuicException"/>.
/// </summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("windows")]
[SupportedOSPlatform("osx")]
internal static class MsQuicErrorMapper
{
    /// <summary>
    /// The contract's exception for a failed connect, or null when <paramref name="exception"/> must propagate as it is
    /// (an invalid argument, or the caller's own cancellation).
    /// </summary>
    internal static QuicTransportException? MapConnectFailure(Exception exception, string target) => exception switch
    {
        ArgumentException or OperationCanceledException or QuicTransportException => null,
        PlatformNotSupportedException => new QuicTransportException(QuicTransportError.EngineUnavailable, $"Cannot connect to {target}: {exception.Message}", exception),
        AuthenticationException => new QuicTransportException(QuicTransportError.HandshakeFailed, $"The TLS handshake with {target} failed (certificate, ALPN or TLS alert): {exception.Message}", exception),
        QuicException { QuicError: QuicError.ConnectionRefused } => Refused(target, "the server refused the connection", exception),
        QuicException { QuicError: QuicError.ConnectionTimeout } => Refused(target, "nobody answered before the handshake timeout", exception),
        QuicException { QuicError: QuicError.ConnectionIdle } => Refused(target, "the connection went idle during the handshake", exception),
        QuicException { QuicError: QuicError.ConnectionAborted } q => Refused(target, $"the server closed the connection during the handshake with application code {q.ApplicationErrorCode}", exception),
        QuicException { QuicError: QuicError.VersionNegotiationError } => new QuicTransportException(QuicTransportError.HandshakeFailed, $"The handshake with {target} failed: no common QUIC version.", exception),
        QuicException { QuicError: QuicError.TransportError, TransportErrorCode: >= (long)TransportErrorCode.CryptoErrorBase and < (long)TransportErrorCode.CryptoErrorBase + 0x100 } q =>
            new QuicTransportException(QuicTransportError.HandshakeFailed, $"The handshake with {target} failed with TLS alert {q.TransportErrorCode - (long)TransportErrorCode.CryptoErrorBase}: {exception.Message}", exception),
        SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse or SocketError.AddressNotAvailable } => new QuicTransportException(QuicTransportError.AddressInUse, $"Cannot connect to {target}: the local address cannot be bound ({exception.Message}).", exception),
        SocketException s => Refused(target, $"{s.SocketErrorCode}: {s.Message}", exception),
        _ => new QuicTransportException(QuicTransportError.Internal, $"Cannot connect to {target}: {exception.GetType().Name}: {exception.Message}", exception),
    };

    /// <summary>The contract's exception for a failed listen, or null when <paramref name="exception"/> must propagate as it is.</summary>
    internal static QuicTransportException? MapListenFailure(Exception exception, EndPoint endPoint) => exception switch
    {
        ArgumentException or OperationCanceledException or QuicTransportException => null,
        PlatformNotSupportedException => new QuicTransportException(QuicTransportError.EngineUnavailable, $"Cannot listen on {endPoint}: {exception.Message}", exception),
        QuicException { QuicError: QuicError.AlpnInUse } => new QuicTransportException(QuicTransportError.AddressInUse, $"Cannot listen on {endPoint}: another listener already serves one of these ALPN protocols on that port.", exception),
        SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse or SocketError.AddressNotAvailable or SocketError.AccessDenied or SocketError.AddressFamilyNotSupported } =>
            new QuicTransportException(QuicTransportError.AddressInUse, $"Cannot listen on {endPoint}: {exception.Message} ({((SocketException)exception).SocketErrorCode}).", exception),
        _ => new QuicTransportException(QuicTransportError.Internal, $"Cannot listen on {endPoint}: {exception.GetType().Name}: {exception.Message}", exception),
    };

    /// <summary>
    /// How the connection ended, judged from an exception that an operation on it (accept, read, write) threw; null when
    /// the exception concerns only one stream (<see cref="QuicError.StreamAborted"/>).
    /// </summary>
    /// <param name="exception">What System.Net.Quic threw.</param>
    /// <param name="localClose">How this end closed the connection, when it did; an <see cref="QuicError.OperationAborted"/> then means that close.</param>
    internal static ConnectionCloseInfo? ToCloseInfo(Exception exception, ConnectionCloseInfo? localClose) => exception switch
    {
        QuicException { QuicError: QuicError.StreamAborted } => null,
        QuicException { QuicError: QuicError.ConnectionAborted } q => new ConnectionCloseInfo(ConnectionCloseInitiator.Peer, true, q.ApplicationErrorCode ?? 0, string.Empty),
        QuicException { QuicError: QuicError.ConnectionIdle } => new ConnectionCloseInfo(ConnectionCloseInitiator.IdleTimeout, false, (long)TransportErrorCode.NoError, string.Empty),
        QuicException { QuicError: QuicError.ConnectionTimeout } q => new ConnectionCloseInfo(ConnectionCloseInitiator.Transport, false, q.TransportErrorCode ?? (long)TransportErrorCode.NoError, "the peer stopped acknowledging packets (connection timeout)"),
        QuicException { QuicError: QuicError.TransportError } q => new ConnectionCloseInfo(ConnectionCloseInitiator.Peer, false, q.TransportErrorCode ?? (long)TransportErrorCode.InternalError, string.Empty),
        QuicException { QuicError: QuicError.ConnectionRefused } => new ConnectionCloseInfo(ConnectionCloseInitiator.Peer, false, (long)TransportErrorCode.ConnectionRefused, string.Empty),
        QuicException { QuicError: QuicError.OperationAborted } or ObjectDisposedException => localClose ?? new ConnectionCloseInfo(ConnectionCloseInitiator.Local, true, 0, string.Empty),
        _ => new ConnectionCloseInfo(ConnectionCloseInitiator.Transport, false, (long)TransportErrorCode.InternalError, $"{exception.GetType().Name}: {exception.Message}"),
    };

    /// <summary>The application error code of a peer's RESET_STREAM or STOP_SENDING, when <paramref name="exception"/> reports one.</summary>
    internal static bool TryGetPeerAbortCode(Exception exception, out long code)
    {
        if (exception is QuicException { QuicError: QuicError.StreamAborted } q)
        {
            code = q.ApplicationErrorCode ?? 0;
            return true;
        }
        code = 0;
        return false;
    }

    /// <summary>Whether <paramref name="exception"/> reports an abort this end made (<c>QuicStream.Abort</c>, a local close, a dispose).</summary>
    internal static bool IsLocalAbort(Exception exception) =>
        exception is QuicException { QuicError: QuicError.OperationAborted } or ObjectDisposedException;

    private static QuicTransportException Refused(string target, string why, Exception inner) =>
        new(QuicTransportError.ConnectionRefused, $"Cannot connect to {target}: {why}.", inner);
}
