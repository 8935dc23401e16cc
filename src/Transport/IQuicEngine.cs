namespace QuicActors.Transport;

/// <summary>
/// One QUIC implementation seen through the contract of events and commands that the actor layer drives. An engine
/// reports what happens on its connections (<see cref="IQuicEngineConnection.Events"/>) and carries out commands; it
/// never decides on its own when a stream is finished or when a peer gets a stream slot back.
/// </summary>
public interface IQuicEngine : IAsyncDisposable
{
    /// <summary>The engine's name as configuration spells it: "in-memory", "msquic", "ngtcp2".</summary>
    string Name { get; }

    /// <summary>What the engine can do beyond the common core.</summary>
    EngineCapabilities Capabilities { get; }

    /// <summary>Whether the engine can run here; when false, <see cref="UnavailableReason"/> says what is missing.</summary>
    bool IsAvailable { get; }

    /// <summary>Why the engine cannot run here (for example, the native library to install), or null when it can.</summary>
    string? UnavailableReason { get; }

    /// <summary>Starts listening for connections.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names the value.</exception>
    /// <exception cref="QuicTransportException">The address is in use (<see cref="QuicTransportError.AddressInUse"/>) or the engine is unavailable.</exception>
    ValueTask<IQuicEngineListener> ListenAsync(QuicListenerOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Connects to a server. Completes when the handshake completes or, when early data is enabled and the ticket
    /// allows it, as soon as 0-RTT streams can be opened (the handshake outcome then arrives as an event).
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names the value.</exception>
    /// <exception cref="QuicTransportException">The handshake failed (<see cref="QuicTransportError.HandshakeFailed"/>), nobody answered (<see cref="QuicTransportError.ConnectionRefused"/>), or the engine is unavailable.</exception>
    ValueTask<IQuicEngineConnection> ConnectAsync(QuicClientOptions options, CancellationToken cancellationToken = default);
}
