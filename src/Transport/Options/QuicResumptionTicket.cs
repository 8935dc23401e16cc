namespace QuicActors.Transport;

/// <summary>
/// What a client keeps from one connection to attempt 0-RTT on the next (RFC 9000 §7.4.1): the TLS session ticket and
/// the server's transport parameters it remembered. Opaque to the application; only the engine that issued it reads it.
/// </summary>
/// <param name="Engine">The name of the engine that issued the ticket; another engine refuses it.</param>
/// <param name="ServerName">The server name the ticket was issued for.</param>
/// <param name="ApplicationProtocol">The ALPN negotiated on the connection that issued it; 0-RTT requires the same one.</param>
/// <param name="Data">Engine-specific bytes (TLS session data and remembered transport parameters).</param>
/// <param name="ExpiresAt">When the server's ticket lifetime ends.</param>
public sealed record QuicResumptionTicket(string Engine, string ServerName, string ApplicationProtocol, ReadOnlyMemory<byte> Data, DateTimeOffset ExpiresAt);
