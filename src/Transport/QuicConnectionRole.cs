namespace QuicActors.Transport;

/// <summary>Which end of a connection this endpoint is; it decides the low bit of the stream IDs it opens (RFC 9000 §2.1).</summary>
public enum QuicConnectionRole
{
    /// <summary>The endpoint that initiated the connection; it opens streams with even IDs.</summary>
    Client,

    /// <summary>The endpoint that accepted the connection; it opens streams with odd IDs.</summary>
    Server,
}
