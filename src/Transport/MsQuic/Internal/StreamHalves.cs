namespace QuicActors.Transport.MsQuic.Internal;

/// <summary>Where our send half of a stream stands, as far as the engine is concerned (RFC 9000 §3.1).</summary>
internal enum SendHalfState
{
    /// <summary>The stream has no send half here (a unidirectional stream the peer opened).</summary>
    Absent,

    /// <summary>Ready / Send: writes are accepted.</summary>
    Open,

    /// <summary>The application wrote FIN; the peer has not acknowledged everything yet (Data Sent).</summary>
    FinWritten,

    /// <summary>The peer acknowledged all data and the FIN (Data Recvd); terminal.</summary>
    FinAcknowledged,

    /// <summary>This end reset the stream (Reset Sent, reported as acknowledged at once; see the engine's remarks); terminal.</summary>
    ResetLocally,

    /// <summary>The peer sent STOP_SENDING and the stack answered with RESET_STREAM; terminal.</summary>
    StoppedByPeer,
}

/// <summary>Where our receive half of a stream stands, as far as the engine is concerned (RFC 9000 §3.2).</summary>
internal enum ReceiveHalfState
{
    /// <summary>The stream has no receive half here (a unidirectional stream this end opened).</summary>
    Absent,

    /// <summary>Recv / Size Known / Data Recvd: bytes are still being delivered.</summary>
    Receiving,

    /// <summary>All data and the FIN were delivered (Data Read); terminal.</summary>
    FinDelivered,

    /// <summary>The peer reset its sending (Reset Recvd / Reset Read); terminal.</summary>
    ResetByPeer,

    /// <summary>This end sent STOP_SENDING; System.Net.Quic reports nothing more for this half, so the engine treats it as terminal.</summary>
    StopSent,
}

/// <summary>
/// The two halves of one stream and the rules of the contract for commands on them: which commands are allowed, which
/// are idempotent no-ops, and which peer signals still mean something. The engine enforces these rules itself, so the
/// msquic engine fails exactly where the in-memory engine fails even when System.Net.Quic would be lenient.
/// </summary>
/// <remarks>Not thread-safe: the owning connection calls it under its lock.</remarks>
internal sealed class StreamHalves
{
    /// <summary>Creates the halves of <paramref name="streamId"/> as seen by an endpoint of <paramref name="role"/>.</summary>
    public StreamHalves(QuicStreamId streamId, QuicConnectionRole role)
    {
        StreamId = streamId;
        Send = streamId.HasSendHalf(role) ? SendHalfState.Open : SendHalfState.Absent;
        Receive = streamId.HasReceiveHalf(role) ? ReceiveHalfState.Receiving : ReceiveHalfState.Absent;
    }

    /// <summary>The stream.</summary>
    public QuicStreamId StreamId { get; }

    /// <summary>The send half.</summary>
    public SendHalfState Send { get; private set; }

    /// <summary>The receive half.</summary>
    public ReceiveHalfState Receive { get; private set; }

    /// <summary>The application error code of the reset or STOP_SENDING that ended the send half.</summary>
    public long SendAbortCode { get; private set; }

    /// <summary>The application error code of the peer's reset or of our STOP_SENDING that ended the receive half.</summary>
    public long ReceiveAbortCode { get; private set; }

    /// <summary>Whether the send half is absent or terminal.</summary>
    public bool IsSendFinished => Send is SendHalfState.Absent or SendHalfState.FinAcknowledged or SendHalfState.ResetLocally or SendHalfState.StoppedByPeer;

    /// <summary>Whether the receive half is absent or terminal.</summary>
    public bool IsReceiveFinished => Receive is not ReceiveHalfState.Receiving;

    /// <summary>Whether received bytes may still be reported (data after STOP_SENDING or a reset is discarded).</summary>
    public bool CanDeliver => Receive == ReceiveHalfState.Receiving;

    /// <summary>Null when a write is allowed now; otherwise the exception the contract documents.</summary>
    public QuicTransportException? CheckWrite() => Send switch
    {
        SendHalfState.Open => null,
        SendHalfState.Absent => QuicTransportException.DirectionClosed(StreamId, "cannot write: this end has no send half (a unidirectional stream opened by the peer)"),
        SendHalfState.FinWritten or SendHalfState.FinAcknowledged => QuicTransportException.DirectionClosed(StreamId, "cannot write: FIN was already written"),
        SendHalfState.ResetLocally => QuicTransportException.StreamAborted(StreamId, SendAbortCode, "cannot write: the stream was reset by this end"),
        _ => QuicTransportException.StreamAborted(StreamId, SendAbortCode, "cannot write: the peer sent STOP_SENDING"),
    };

    /// <summary>Records an accepted write; FIN closes the half to further writes.</summary>
    public void OnWrite(bool fin)
    {
        if (fin && Send == SendHalfState.Open) Send = SendHalfState.FinWritten;
    }

    /// <summary>Null when <see cref="TryReset"/> or <see cref="TryStopSending"/> may run; an exception when the half does not exist.</summary>
    public QuicTransportException? CheckHalfExists(bool send) => send
        ? Send == SendHalfState.Absent ? QuicTransportException.DirectionClosed(StreamId, "cannot reset: this end has no send half (a unidirectional stream opened by the peer)") : null
        : Receive == ReceiveHalfState.Absent ? QuicTransportException.DirectionClosed(StreamId, "cannot stop sending: this end has no receive half (a unidirectional stream opened by this end)") : null;

    /// <summary>Resets the send half; false when it was already terminal (the call then does nothing).</summary>
    public bool TryReset(long code)
    {
        if (Send is not (SendHalfState.Open or SendHalfState.FinWritten)) return false;
        Send = SendHalfState.ResetLocally;
        SendAbortCode = code;
        return true;
    }

    /// <summary>The peer's STOP_SENDING arrived; false when the send half had already ended (the signal is moot).</summary>
    public bool OnPeerStopSending(long code)
    {
        if (Send is not (SendHalfState.Open or SendHalfState.FinWritten)) return false;
        Send = SendHalfState.StoppedByPeer;
        SendAbortCode = code;
        return true;
    }

    /// <summary>The peer acknowledged the FIN; false unless the half was waiting for exactly that.</summary>
    public bool OnFinAcknowledged()
    {
        if (Send != SendHalfState.FinWritten) return false;
        Send = SendHalfState.FinAcknowledged;
        return true;
    }

    /// <summary>Sends STOP_SENDING on the receive half; false when it was already terminal.</summary>
    public bool TryStopSending(long code)
    {
        if (Receive != ReceiveHalfState.Receiving) return false;
        Receive = ReceiveHalfState.StopSent;
        ReceiveAbortCode = code;
        return true;
    }

    /// <summary>The peer reset its sending; false when the receive half had already ended.</summary>
    public bool OnPeerReset(long code)
    {
        if (Receive != ReceiveHalfState.Receiving) return false;
        Receive = ReceiveHalfState.ResetByPeer;
        ReceiveAbortCode = code;
        return true;
    }

    /// <summary>The FIN was delivered; false when the receive half had already ended.</summary>
    public bool OnFinDelivered()
    {
        if (Receive != ReceiveHalfState.Receiving) return false;
        Receive = ReceiveHalfState.FinDelivered;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"stream {StreamId}: send {Send}, receive {Receive}";
}
