namespace QuicActors.Conformance.Tests.Harness;

/// <summary>
/// Where an engine's underlying stack departs from RFC 9000 in ways the engine cannot hide. Conformance tests assert
/// the weaker behaviour for an engine that declares a deviation, so the deviation is written down and still tested.
/// </summary>
[Flags]
public enum EngineDeviations
{
    /// <summary>The engine honours the contract fully.</summary>
    None = 0,

    /// <summary>
    /// The stack answers a peer's STOP_SENDING with RESET_STREAM code 0 instead of the peer's code (RFC 9000 §3.5 says
    /// "SHOULD" copy it); msquic does this (microsoft/msquic#5387).
    /// </summary>
    StopSendingAnsweredWithCodeZero = 1 << 0,

    /// <summary>After our own STOP_SENDING, the peer's answering RESET_STREAM is not reported (msquic swallows it).</summary>
    NoResetReportedAfterOwnStopSending = 1 << 1,

    /// <summary>CONNECTION_CLOSE reason phrases are neither sent nor received (System.Net.Quic has no API for them).</summary>
    NoCloseReasonPhrase = 1 << 2,

    /// <summary>
    /// On an ALPN mismatch the client learns only the TLS alert no_application_protocol (RFC 9001 §8.1, RFC 7301 §3.2),
    /// which carries no list: its connect failure can name the client's offer but not the server's list.
    /// </summary>
    AlpnServerListUnknownToClient = 1 << 3,
}
