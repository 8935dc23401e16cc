using System.Net;
using System.Net.Quic;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Authentication;
using QuicActors.Transport.MsQuic.Internal;

namespace QuicActors.Transport.Tests.MsQuic;

[SupportedOSPlatform("linux")]
[SupportedOSPlatform("windows")]
[SupportedOSPlatform("osx")]
public sealed class MsQuicErrorMapperTests
{
    private const string Target = "127.0.0.1:4433 (localhost)";
    private static readonly EndPoint Listen = new IPEndPoint(IPAddress.Loopback, 4433);

    [Theory]
    [InlineData(QuicError.ConnectionRefused, QuicTransportError.ConnectionRefused)]
    [InlineData(QuicError.ConnectionTimeout, QuicTransportError.ConnectionRefused)]
    [InlineData(QuicError.ConnectionIdle, QuicTransportError.ConnectionRefused)]
    [InlineData(QuicError.ConnectionAborted, QuicTransportError.ConnectionRefused)]
    [InlineData(QuicError.VersionNegotiationError, QuicTransportError.HandshakeFailed)]
    [InlineData(QuicError.InternalError, QuicTransportError.Internal)]
    [InlineData(QuicError.CallbackError, QuicTransportError.Internal)]
    public void Connect_failures_from_QuicException(QuicError error, QuicTransportError expected)
    {
        var mapped = MsQuicErrorMapper.MapConnectFailure(new QuicException(error, error == QuicError.ConnectionAborted ? 5 : null, "boom"), Target);
        Assert.NotNull(mapped);
        Assert.Equal(expected, mapped.Error);
        Assert.Contains(Target, mapped.Message, StringComparison.Ordinal);
        Assert.IsType<QuicException>(mapped.InnerException);
    }

    [Fact]
    public void A_failed_TLS_handshake_or_ALPN_mismatch_is_HandshakeFailed()
    {
        var mapped = MsQuicErrorMapper.MapConnectFailure(new AuthenticationException("Application layer protocol negotiation error was encountered."), Target);
        Assert.Equal(QuicTransportError.HandshakeFailed, mapped!.Error);
        Assert.Contains("ALPN", mapped.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SocketError.HostUnreachable, QuicTransportError.ConnectionRefused)]
    [InlineData(SocketError.HostNotFound, QuicTransportError.ConnectionRefused)]
    [InlineData(SocketError.NetworkUnreachable, QuicTransportError.ConnectionRefused)]
    [InlineData(SocketError.AddressAlreadyInUse, QuicTransportError.AddressInUse)]
    [InlineData(SocketError.AddressNotAvailable, QuicTransportError.AddressInUse)]
    public void Connect_failures_from_SocketException(SocketError error, QuicTransportError expected) =>
        Assert.Equal(expected, MsQuicErrorMapper.MapConnectFailure(new SocketException((int)error), Target)!.Error);

    [Fact]
    public void PlatformNotSupported_means_the_engine_is_unavailable()
    {
        Assert.Equal(QuicTransportError.EngineUnavailable, MsQuicErrorMapper.MapConnectFailure(new PlatformNotSupportedException("no libmsquic"), Target)!.Error);
        Assert.Equal(QuicTransportError.EngineUnavailable, MsQuicErrorMapper.MapListenFailure(new PlatformNotSupportedException("no libmsquic"), Listen)!.Error);
    }

    [Fact]
    public void Argument_errors_and_cancellation_propagate_unchanged()
    {
        Assert.Null(MsQuicErrorMapper.MapConnectFailure(new ArgumentException("bad"), Target));
        Assert.Null(MsQuicErrorMapper.MapConnectFailure(new OperationCanceledException(), Target));
        Assert.Null(MsQuicErrorMapper.MapListenFailure(new ArgumentOutOfRangeException("x"), Listen));
        Assert.Null(MsQuicErrorMapper.MapListenFailure(new TaskCanceledException(), Listen));
    }

    [Theory]
    [InlineData(SocketError.AddressAlreadyInUse)]
    [InlineData(SocketError.AddressNotAvailable)]
    [InlineData(SocketError.AccessDenied)]
    public void Bind_failures_are_AddressInUse_naming_the_endpoint(SocketError error)
    {
        var mapped = MsQuicErrorMapper.MapListenFailure(new SocketException((int)error), Listen)!;
        Assert.Equal(QuicTransportError.AddressInUse, mapped.Error);
        Assert.Contains("127.0.0.1:4433", mapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ALPN_already_served_on_the_port_is_AddressInUse() =>
        Assert.Equal(QuicTransportError.AddressInUse, MsQuicErrorMapper.MapListenFailure(new QuicException(QuicError.AlpnInUse, null, "alpn"), Listen)!.Error);

    [Fact]
    public void A_peer_close_carries_its_application_code()
    {
        var close = MsQuicErrorMapper.ToCloseInfo(new QuicException(QuicError.ConnectionAborted, 42, "closed"), null);
        Assert.Equal(new ConnectionCloseInfo(ConnectionCloseInitiator.Peer, true, 42, ""), close);
    }

    [Fact]
    public void An_idle_connection_is_an_idle_timeout()
    {
        var close = MsQuicErrorMapper.ToCloseInfo(new QuicException(QuicError.ConnectionIdle, null, "idle"), null);
        Assert.Equal(ConnectionCloseInitiator.IdleTimeout, close!.Initiator);
        Assert.False(close.IsApplicationError);
    }

    [Fact]
    public void A_silent_peer_is_a_transport_close()
    {
        var close = MsQuicErrorMapper.ToCloseInfo(new QuicException(QuicError.ConnectionTimeout, null, "timeout"), null)!;
        Assert.Equal(ConnectionCloseInitiator.Transport, close.Initiator);
        Assert.Contains("timeout", close.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OperationAborted_means_this_end_closed_with_the_recorded_code()
    {
        var local = new ConnectionCloseInfo(ConnectionCloseInitiator.Local, true, 7, "bye");
        Assert.Same(local, MsQuicErrorMapper.ToCloseInfo(new QuicException(QuicError.OperationAborted, null, "aborted"), local));
        Assert.Same(local, MsQuicErrorMapper.ToCloseInfo(new ObjectDisposedException("QuicConnection"), local));
        Assert.Equal(new ConnectionCloseInfo(ConnectionCloseInitiator.Local, true, 0, ""), MsQuicErrorMapper.ToCloseInfo(new QuicException(QuicError.OperationAborted, null, "aborted"), null));
    }

    [Fact]
    public void A_stream_abort_is_not_a_connection_close()
    {
        var abort = new QuicException(QuicError.StreamAborted, 13, "reset");
        Assert.Null(MsQuicErrorMapper.ToCloseInfo(abort, null));
        Assert.True(MsQuicErrorMapper.TryGetPeerAbortCode(abort, out var code));
        Assert.Equal(13, code);
        Assert.False(MsQuicErrorMapper.IsLocalAbort(abort));
    }

    [Fact]
    public void Only_StreamAborted_carries_a_peer_abort_code()
    {
        Assert.False(MsQuicErrorMapper.TryGetPeerAbortCode(new QuicException(QuicError.ConnectionAborted, 13, "closed"), out _));
        Assert.False(MsQuicErrorMapper.TryGetPeerAbortCode(new InvalidOperationException(), out _));
        Assert.True(MsQuicErrorMapper.IsLocalAbort(new QuicException(QuicError.OperationAborted, null, "aborted")));
    }

    [Fact]
    public void Anything_else_is_an_internal_transport_close_with_the_message()
    {
        var close = MsQuicErrorMapper.ToCloseInfo(new InvalidOperationException("odd state"), null)!;
        Assert.Equal(ConnectionCloseInitiator.Transport, close.Initiator);
        Assert.Equal((long)TransportErrorCode.InternalError, close.ErrorCode);
        Assert.Contains("odd state", close.Reason, StringComparison.Ordinal);
    }
}
