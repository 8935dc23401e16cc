using QuicActors.Kernel;
using QuicActors.Streams.Internal;

namespace QuicActors.Streams;

/// <summary>The stream's datagram flow (RFC 9297 §2): datagrams bound to the stream by a Quarter Stream ID prefix.</summary>
public sealed partial class StreamHandle
{
    /// <summary>The flow's received datagrams; set by the connection actor when it binds the flow, before the handle is handed out.</summary>
    internal DatagramInbox? DatagramInbox { get; set; }

    /// <summary>Whether a datagram flow is bound to this stream (<see cref="ConnectionActorSettings.DatagramFlows"/> on, and a client-initiated bidirectional stream).</summary>
    public bool HasDatagramFlow => DatagramInbox is not null;

    /// <summary>
    /// Sends <paramref name="payload"/> as a QUIC DATAGRAM (RFC 9221) bound to this stream. Unreliable: it may be lost.
    /// Completes with true when the engine queued it and false when the engine's send queue was full and dropped it. The
    /// payload must not change until the task completes (the engine copies it then).
    /// </summary>
    /// <exception cref="StaleHandleException">The handle's generation has ended (thrown at once).</exception>
    /// <exception cref="StreamDatagramRefusedException">(From the task.) The send half is closed or reset, or no flow is bound: RFC 9297 §2.1.</exception>
    /// <exception cref="Transport.QuicTransportException">(From the task.) Datagrams were not negotiated, or the payload with its prefix is larger than the path allows.</exception>
    public Task<bool> SendDatagramAsync(ReadOnlyMemory<byte> payload)
    {
        ThrowIfStale();
        var completion = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _connection.Tell(new SendDatagramCommand(Stamp, payload, completion), ActorRefs.NoSender);
        return completion.Task;
    }

    /// <summary>
    /// Copies the next received datagram of this stream's flow into <paramref name="buffer"/> and returns its length (0
    /// for an empty datagram), or -1 once the receive half is closed (FIN or RESET_STREAM received, or reading aborted)
    /// and every datagram queued before was read. Read from one reader at a time.
    /// </summary>
    /// <exception cref="InvalidOperationException">No datagram flow is bound to this stream.</exception>
    /// <exception cref="ArgumentException">The next datagram is larger than <paramref name="buffer"/>; it stays queued.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired; nothing was taken.</exception>
    public ValueTask<int> ReadDatagramAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var inbox = DatagramInbox ?? throw new InvalidOperationException(
            $"No datagram flow is bound to stream {StreamId}: turn on ConnectionActorSettings.DatagramFlows; only client-initiated bidirectional streams carry datagrams (RFC 9297 §2.1).");
        return inbox.ReadAsync(buffer, StreamId, cancellationToken);
    }
}
