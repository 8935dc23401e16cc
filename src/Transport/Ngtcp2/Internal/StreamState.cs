namespace QuicActors.Transport.Ngtcp2.Internal;

/// <summary>What the managed side tracks of one stream: send accounting, half states and pending writes.</summary>
internal sealed class StreamState(QuicStreamId id, nint native, bool hasSend, bool hasReceive)
{
    public QuicStreamId Id { get; } = id;

    /// <summary>The shim's stream (send buffer); zero once ngtcp2 closed it or when ngtcp2 never saw it.</summary>
    public nint Native { get; set; } = native;

    public long Queued { get; set; }
    public long Acked { get; set; }
    public bool FinQueued { get; set; }

    /// <summary>The send half is terminal (FIN acknowledged, reset) or absent.</summary>
    public bool SendDone { get; set; } = !hasSend;

    /// <summary>The receive half is terminal (FIN or reset received, STOP_SENDING sent) or absent.</summary>
    public bool ReceiveDone { get; set; } = !hasReceive;

    /// <summary>We sent STOP_SENDING: data still arriving is dropped and its flow-control credit returned.</summary>
    public bool Discarding { get; set; }

    /// <summary>The peer's RESET_STREAM was reported; a second report (a retransmission) is dropped.</summary>
    public bool PeerResetReported { get; set; }

    /// <summary>After STOP_SENDING, the end of the discarded data was reported; a later RESET_STREAM is not.</summary>
    public bool DiscardedEndReported { get; set; }

    /// <summary>After STOP_SENDING, when the end of the discarded data is reported if neither the peer's reset nor the stream's close came first (ns).</summary>
    public ulong DiscardDeadline { get; set; }

    /// <summary>
    /// ngtcp2 already gave the peer this stream's slot back on its own (a stream whose first frame was RESET_STREAM),
    /// so releasing it must not extend MAX_STREAMS a second time.
    /// </summary>
    public bool SlotReturnedByStack { get; set; }

    /// <summary>RESET_STREAM went out on the send half: ours, or ngtcp2's answer to the peer's STOP_SENDING.</summary>
    public bool ResetSent { get; set; }

    /// <summary>The acknowledgement of that RESET_STREAM was reported.</summary>
    public bool ResetAckReported { get; set; }

    /// <summary>Why writes fail now, once the send half was aborted.</summary>
    public QuicTransportException? SendFailure { get; set; }

    public long Buffered => Queued - Acked;

    /// <summary>Bytes delivered to the application and not yet consumed.</summary>
    public long Unconsumed { get; set; }

    public Queue<PendingWrite> PendingWrites { get; } = new();
}

/// <summary>A write waiting for send-buffer space; holds a copy of its bytes, moved into the send buffer piecewise.</summary>
internal sealed class PendingWrite(byte[] data, bool fin)
{
    public byte[] Data { get; } = data;
    public bool Fin { get; } = fin;

    /// <summary>How many bytes of <see cref="Data"/> are already in the send buffer.</summary>
    public int Offset { get; set; }

    public int Remaining => Data.Length - Offset;
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>An open waiting for the peer's stream credit, in FIFO order.</summary>
internal sealed class OpenWaiter
{
    public TaskCompletionSource<QuicStreamId> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public CancellationTokenRegistration Registration { get; set; }
}
