using System.Globalization;

namespace QuicActors.Transport;

/// <summary>Who ended a connection.</summary>
public enum ConnectionCloseInitiator
{
    /// <summary>This endpoint's application closed it.</summary>
    Local,

    /// <summary>The peer sent CONNECTION_CLOSE.</summary>
    Peer,

    /// <summary>Neither side sent anything for the idle timeout (RFC 9000 §10.1).</summary>
    IdleTimeout,

    /// <summary>This endpoint's transport closed it, for a protocol violation or an internal error.</summary>
    Transport,
}

/// <summary>How a connection ended (RFC 9000 §10): who ended it, with which code and reason.</summary>
/// <param name="Initiator">Who ended the connection.</param>
/// <param name="IsApplicationError">Whether <paramref name="ErrorCode"/> is an application code (CONNECTION_CLOSE type 0x1d) rather than a transport code (type 0x1c).</param>
/// <param name="ErrorCode">The error code; a <see cref="TransportErrorCode"/> when <paramref name="IsApplicationError"/> is false.</param>
/// <param name="Reason">The reason phrase, possibly empty.</param>
public sealed record ConnectionCloseInfo(ConnectionCloseInitiator Initiator, bool IsApplicationError, long ErrorCode, string Reason)
{
    /// <summary>Renders the close as "peer closed with application code 7 (bye)".</summary>
    public override string ToString()
    {
        var who = Initiator switch
        {
            ConnectionCloseInitiator.Local => "closed locally",
            ConnectionCloseInitiator.Peer => "closed by the peer",
            ConnectionCloseInitiator.IdleTimeout => "idle timeout",
            _ => "closed by the transport",
        };
        var code = IsApplicationError
            ? string.Create(CultureInfo.InvariantCulture, $"application code {ErrorCode}")
            : string.Create(CultureInfo.InvariantCulture, $"transport code 0x{ErrorCode:x} ({(TransportErrorCode)ErrorCode})");
        return Reason.Length == 0 ? $"{who}, {code}" : $"{who}, {code}: {Reason}";
    }
}
