namespace QuicActors.Transport;

/// <summary>
/// What an engine can do beyond the common core of the contract. Conformance tests of a capability run on
/// every engine that has it and are skipped, with the reason printed, on the others.
/// </summary>
[Flags]
public enum EngineCapabilities
{
    /// <summary>Only the common core: streams, flow control, resets, close.</summary>
    None = 0,

    /// <summary>Session resumption tickets and 0-RTT early data, with rejection surfaced as <see cref="Events.EarlyDataRejected"/>.</summary>
    ZeroRtt = 1 << 0,

    /// <summary>Unreliable datagrams (RFC 9221).</summary>
    Datagrams = 1 << 1,

    /// <summary>
    /// A peer's stream slot comes back only through <see cref="IQuicEngineConnection.ReleaseStream"/>: the engine never
    /// re-grants MAX_STREAMS credit on its own.
    /// </summary>
    ExplicitSlotRelease = 1 << 2,

    /// <summary>Unidirectional streams can be opened and accepted.</summary>
    UnidirectionalStreams = 1 << 3,

    /// <summary>The engine runs on a caller-supplied <see cref="TimeProvider"/>, so tests can drive its clock.</summary>
    VirtualTime = 1 << 4,

    /// <summary>The engine accepts a seeded fault plan (delay, reorder, injected peer actions).</summary>
    FaultInjection = 1 << 5,

    /// <summary>Acknowledgement of our FIN and of our RESET_STREAM is reported as events.</summary>
    AcknowledgementEvents = 1 << 6,

    /// <summary>Connections run over real UDP sockets.</summary>
    RealNetwork = 1 << 7,
}
