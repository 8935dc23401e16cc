namespace QuicActors.Transport;

/// <summary>Transport error codes carried by CONNECTION_CLOSE of type 0x1c (RFC 9000 §20.1).</summary>
public enum TransportErrorCode : long
{
    /// <summary>Graceful close with no error.</summary>
    NoError = 0x0,

    /// <summary>The endpoint hit an internal error.</summary>
    InternalError = 0x1,

    /// <summary>The server refused the connection.</summary>
    ConnectionRefused = 0x2,

    /// <summary>More data was received than the advertised limits allow (RFC 9000 §4).</summary>
    FlowControlError = 0x3,

    /// <summary>A stream was opened beyond the advertised stream limit (RFC 9000 §4.6).</summary>
    StreamLimitError = 0x4,

    /// <summary>A frame arrived for a stream in a state that does not permit it (RFC 9000 §3).</summary>
    StreamStateError = 0x5,

    /// <summary>The final size of a stream changed or was exceeded (RFC 9000 §4.5).</summary>
    FinalSizeError = 0x6,

    /// <summary>A frame was badly formatted.</summary>
    FrameEncodingError = 0x7,

    /// <summary>Transport parameters were malformed or invalid.</summary>
    TransportParameterError = 0x8,

    /// <summary>Too many connection IDs were supplied.</summary>
    ConnectionIdLimitError = 0x9,

    /// <summary>A protocol rule not covered by a more specific code was broken.</summary>
    ProtocolViolation = 0xa,

    /// <summary>An invalid Retry or NEW_TOKEN token was received.</summary>
    InvalidToken = 0xb,

    /// <summary>The application closed the connection in a packet that cannot carry its own code.</summary>
    ApplicationError = 0xc,

    /// <summary>Too much CRYPTO data was buffered.</summary>
    CryptoBufferExceeded = 0xd,

    /// <summary>A key update failed.</summary>
    KeyUpdateError = 0xe,

    /// <summary>The AEAD confidentiality or integrity limit was reached.</summary>
    AeadLimitReached = 0xf,

    /// <summary>No usable network path remains.</summary>
    NoViablePath = 0x10,

    /// <summary>The first TLS alert code; a TLS alert N is reported as 0x100 + N.</summary>
    CryptoErrorBase = 0x100,
}
