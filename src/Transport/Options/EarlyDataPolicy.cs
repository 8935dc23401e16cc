namespace QuicActors.Transport;

/// <summary>What a server does with 0-RTT data offered by a resuming client (RFC 9000 §4.6.1, RFC 9001 §4.6).</summary>
public enum EarlyDataPolicy
{
    /// <summary>Issue tickets that do not allow early data; a client offering it anyway is rejected and falls back to 1-RTT.</summary>
    Disabled,

    /// <summary>Accept 0-RTT data on resumed connections.</summary>
    Accept,

    /// <summary>Issue tickets that allow early data but reject it on every connection: for testing a client's fallback.</summary>
    Reject,
}
