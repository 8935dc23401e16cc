using System.Net;

namespace QuicActors.Transport;

/// <summary>A listening endpoint that hands out incoming connections in the order their handshakes complete.</summary>
public interface IQuicEngineListener : IAsyncDisposable
{
    /// <summary>The bound address, with the actual port when 0 was asked for.</summary>
    EndPoint LocalEndPoint { get; }

    /// <summary>
    /// Waits for the next connection. A connection whose client sends 0-RTT accepted by policy is handed out as soon
    /// as its early data arrives; others once their handshake completes. Failed handshakes are not handed out.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The listener was disposed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; no connection is lost by it.</exception>
    ValueTask<IQuicEngineConnection> AcceptConnectionAsync(CancellationToken cancellationToken = default);
}
