namespace QuicActors.Transport.InMemory;

/// <summary>What the acting endpoint of a <see cref="FaultInjection"/> does.</summary>
public abstract record FaultAction
{
    private protected FaultAction() { }

    internal virtual void Validate(string source) { }

    /// <summary>STOP_SENDING on <paramref name="StreamId"/> with <paramref name="ApplicationErrorCode"/> (RFC 9000 §19.5).</summary>
    public sealed record StopSending(QuicStreamId StreamId, long ApplicationErrorCode) : FaultAction
    {
        internal override void Validate(string source) => ApplicationErrorCodes.Validate(ApplicationErrorCode, source + "." + nameof(ApplicationErrorCode));
    }

    /// <summary>RESET_STREAM on <paramref name="StreamId"/> with <paramref name="ApplicationErrorCode"/> (RFC 9000 §19.4).</summary>
    public sealed record ResetStream(QuicStreamId StreamId, long ApplicationErrorCode) : FaultAction
    {
        internal override void Validate(string source) => ApplicationErrorCodes.Validate(ApplicationErrorCode, source + "." + nameof(ApplicationErrorCode));
    }

    /// <summary>CONNECTION_CLOSE with an application code and reason (RFC 9000 §10.2).</summary>
    public sealed record Close(long ApplicationErrorCode, string Reason = "") : FaultAction
    {
        internal override void Validate(string source) => ApplicationErrorCodes.Validate(ApplicationErrorCode, source + "." + nameof(ApplicationErrorCode));
    }

    /// <summary>The server rejects 0-RTT on this connection whatever its <see cref="EarlyDataPolicy"/> says (RFC 9001 §4.6.2).</summary>
    public sealed record RejectEarlyData : FaultAction;

    /// <summary>
    /// Misbehaviour: the actor sends a STREAM frame on the first stream of <paramref name="Direction"/> beyond the limit
    /// the peer granted, which the peer must answer with STREAM_LIMIT_ERROR (RFC 9000 §4.6).
    /// </summary>
    public sealed record ExceedStreamLimit(StreamDirection Direction) : FaultAction;

    /// <summary>
    /// Misbehaviour: the actor sends a byte of <paramref name="StreamId"/> past its final size (RFC 9000 §4.5), which the
    /// peer must answer with FINAL_SIZE_ERROR. When it has not sent FIN yet, it first declares a final size with a
    /// one-byte FIN.
    /// </summary>
    public sealed record ChangeFinalSize(QuicStreamId StreamId) : FaultAction;
}
