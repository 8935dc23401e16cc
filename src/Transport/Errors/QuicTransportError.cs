namespace QuicActors.Transport;

/// <summary>Why an operation of the engine contract failed; carried by <see cref="QuicTransportException"/>.</summary>
public enum QuicTransportError
{
    /// <summary>An error that fits no other kind; the message says what happened.</summary>
    Internal,

    /// <summary>The connection is closed (by either side, by idle timeout or by the engine); <see cref="QuicTransportException.Close"/> says how.</summary>
    ConnectionClosed,

    /// <summary>The handshake failed: no common ALPN, an untrusted or invalid certificate, or a TLS alert.</summary>
    HandshakeFailed,

    /// <summary>No connection could be made: nothing listens at the address, or the peer did not answer in time.</summary>
    ConnectionRefused,

    /// <summary>The stream direction was aborted: RESET_STREAM or STOP_SENDING, locally or by the peer (RFC 9000 §3.5).</summary>
    StreamAborted,

    /// <summary>The direction was already finished (FIN sent, or no such half on this stream) and cannot take the operation.</summary>
    StreamDirectionClosed,

    /// <summary>The stream ID is not known to the connection: never opened, already released, or discarded with rejected 0-RTT.</summary>
    StreamNotFound,

    /// <summary>The stream was opened in 0-RTT and the server rejected early data, so the engine discarded it.</summary>
    EarlyDataRejected,

    /// <summary>The engine is not available on this machine; the message names what to install.</summary>
    EngineUnavailable,

    /// <summary>The local address is already in use or cannot be bound.</summary>
    AddressInUse,

    /// <summary>The operation is not supported by this engine (see <see cref="EngineCapabilities"/>).</summary>
    NotSupported,

    /// <summary>A datagram is larger than the peer accepts, or datagrams were not negotiated (RFC 9221 §3).</summary>
    DatagramRejected,

    /// <summary>The peer broke the protocol; the connection is closed with the matching transport error code.</summary>
    ProtocolViolation,
}
