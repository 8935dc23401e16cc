using System.Net.Quic;
using QuicActors.Transport.Events;

namespace QuicActors.Transport.MsQuic.Internal;

internal sealed partial class MsQuicEngineConnection
{
    /// <inheritdoc />
    public async ValueTask<QuicStreamId> OpenStreamAsync(StreamDirection direction, CancellationToken cancellationToken = default)
    {
        ValidateDirection(direction);
        StreamCreditLedger.Waiter? waiter = null;
        lock (_gate)
        {
            ThrowIfClosed("open a stream");
            cancellationToken.ThrowIfCancellationRequested();
            var ledger = Ledger(direction);
            if (!ledger.TryReserve()) waiter = ledger.Enqueue();
        }

        if (waiter is not null)
        {
            bool granted;
            // Only the wait for credit is cancellable: System.Net.Quic is asked for a stream only once credit is ours,
            // so a cancelled open never consumes a stream ID.
            using (cancellationToken.Register(() =>
            {
                lock (_gate) Ledger(direction).Remove(waiter);
            }))
            {
                granted = await waiter.Granted.ConfigureAwait(false);
            }
            if (!granted)
            {
                cancellationToken.ThrowIfCancellationRequested();
                lock (_gate) ThrowIfClosed("open a stream");
                throw new QuicTransportException(QuicTransportError.Internal, $"The wait for {direction} stream credit ended without credit, cancellation or close.");
            }
        }

        var entry = StartOpen(direction);
        if (await entry.Bound.ConfigureAwait(false) is null)
        {
            lock (_gate) ThrowIfClosed("open a stream");
            throw QuicTransportException.StreamNotFound(entry.Id, "open a stream");
        }
        return entry.Id;
    }

    /// <inheritdoc />
    public bool TryOpenStream(StreamDirection direction, out QuicStreamId streamId)
    {
        ValidateDirection(direction);
        lock (_gate)
        {
            ThrowIfClosed("open a stream");
            if (!Ledger(direction).TryReserve())
            {
                streamId = default;
                return false;
            }
        }
        streamId = StartOpen(direction).Id;
        return true;
    }

    /// <summary>
    /// Asks System.Net.Quic for a stream whose credit is already reserved. msquic numbers streams in the order
    /// <c>StreamStart</c> is called, and <c>OpenOutboundStreamAsync</c> calls it before it first awaits, so calling it under
    /// one lock makes the ID predictable: the stream is recorded under that ID at once and bound when the open completes.
    /// </summary>
    private MsQuicStreamEntry StartOpen(StreamDirection direction)
    {
        MsQuicStreamEntry entry;
        ValueTask<QuicStream> opening;
        lock (_openOrder)
        {
            lock (_gate)
            {
                if (_close is not null || _localClose is not null)
                {
                    Ledger(direction).ReturnUnused();
                    ThrowIfClosed("open a stream");
                }
                var index = direction == StreamDirection.Bidirectional ? _nextBidirectionalIndex++ : _nextUnidirectionalIndex++;
                entry = new MsQuicStreamEntry(QuicStreamId.Create(Role, direction, index), Role, _transport);
                _streams.Add(entry.Id.Value, entry);
            }
            try
            {
                opening = _connection.OpenOutboundStreamAsync(
                    direction == StreamDirection.Bidirectional ? QuicStreamType.Bidirectional : QuicStreamType.Unidirectional,
                    CancellationToken.None);
            }
            catch (Exception ex)
            {
                OnOpenFailure(entry, ex);
                return entry;
            }
        }
        Track(CompleteOpenAsync(entry, opening));
        return entry;
    }

    private async Task CompleteOpenAsync(MsQuicStreamEntry entry, ValueTask<QuicStream> opening)
    {
        QuicStream stream;
        try
        {
            stream = await opening.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            OnOpenFailure(entry, ex);
            return;
        }

        if (stream.Id != entry.Id.Value)
        {
            // The prediction of msquic's numbering failed; every later ID would be wrong too, so the connection cannot go on.
            entry.Abandon();
            AbortQuietly(stream, QuicAbortDirection.Both, 0);
            Track(DisposeStreamAsync(stream));
            FailConnection(new ConnectionCloseInfo(ConnectionCloseInitiator.Transport, false, (long)TransportErrorCode.InternalError,
                $"System.Net.Quic opened stream {stream.Id} where the msquic engine expected {entry.Id}"));
            return;
        }

        bool released, resetPending, stopPending;
        long resetCode, stopCode;
        lock (_gate)
        {
            released = entry.Released || _close is not null;
            resetPending = entry.Halves.Send == SendHalfState.ResetLocally;
            stopPending = entry.Halves.Receive == ReceiveHalfState.StopSent;
            resetCode = entry.Halves.SendAbortCode;
            stopCode = entry.Halves.ReceiveAbortCode;
            entry.Bind(stream);
        }

        // Commands that arrived while the open was in flight take effect now.
        if (resetPending) AbortQuietly(stream, QuicAbortDirection.Write, resetCode);
        if (stopPending) AbortQuietly(stream, QuicAbortDirection.Read, stopCode);
        if (released)
        {
            Track(DisposeStreamAsync(stream));
            return;
        }
        StartLoops(entry, stream);
    }

    private void OnOpenFailure(MsQuicStreamEntry entry, Exception exception)
    {
        lock (_gate)
        {
            _streams.Remove(entry.Id.Value);
            entry.SendQueue?.Fail(QuicTransportException.StreamNotFound(entry.Id, "write"));
            entry.ReceiveBudget?.Close();
        }
        entry.Abandon();
        // msquic may have consumed the predicted ID, so the numbering can no longer be trusted: the connection ends.
        var close = MsQuicErrorMapper.ToCloseInfo(exception, _localClose)
            ?? new ConnectionCloseInfo(ConnectionCloseInitiator.Transport, false, (long)TransportErrorCode.InternalError, $"opening stream {entry.Id} failed: {exception.Message}");
        if (close.Initiator == ConnectionCloseInitiator.Transport) FailConnection(close);
        else Terminate(close);
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(QuicStreamId streamId, ReadOnlyMemory<byte> data, bool fin)
    {
        MsQuicStreamEntry entry;
        lock (_gate)
        {
            ThrowIfClosed("write");
            entry = GetStream(streamId, "write");
            var refused = entry.Halves.CheckWrite();
            if (refused is not null) return ValueTask.FromException(refused);
            entry.Halves.OnWrite(fin);
            if (data.IsEmpty && !fin) return ValueTask.CompletedTask;
        }
        return entry.SendQueue!.EnqueueAsync(data, fin);
    }

    /// <inheritdoc />
    public bool ResetStream(QuicStreamId streamId, long applicationErrorCode)
    {
        ApplicationErrorCodes.Validate(applicationErrorCode, nameof(applicationErrorCode));
        QuicStream? stream;
        MsQuicStreamEntry entry;
        lock (_gate)
        {
            ThrowIfClosed("reset a stream");
            entry = GetStream(streamId, "reset a stream");
            var absent = entry.Halves.CheckHalfExists(send: true);
            if (absent is not null) throw absent;
            if (!entry.Halves.TryReset(applicationErrorCode)) return false;
            entry.SendQueue!.Fail(QuicTransportException.StreamAborted(streamId, applicationErrorCode, "the stream was reset by this end"));
            stream = entry.Stream;
        }
        // While the open is in flight, the bind applies the reset.
        if (stream is not null) AbortQuietly(stream, QuicAbortDirection.Write, applicationErrorCode);
        lock (_gate) Publish(new StreamResetAcknowledged(streamId));
        return true;
    }

    /// <inheritdoc />
    public bool StopSending(QuicStreamId streamId, long applicationErrorCode)
    {
        ApplicationErrorCodes.Validate(applicationErrorCode, nameof(applicationErrorCode));
        QuicStream? stream;
        lock (_gate)
        {
            ThrowIfClosed("stop sending");
            var entry = GetStream(streamId, "stop sending");
            var absent = entry.Halves.CheckHalfExists(send: false);
            if (absent is not null) throw absent;
            if (!entry.Halves.TryStopSending(applicationErrorCode)) return false;
            entry.ReceiveBudget!.Close();
            stream = entry.Stream;
            // System.Net.Quic faults ReadsClosed at once and shows nothing more of the receive side after the abort,
            // while msquic keeps the stream until the peer has finished it and only then gives the peer its slot back:
            // the end of the discarded data is reported now, without a final size (IQuicEngineConnection.StopSending).
            Publish(new StreamDataDiscarded(entry.Id, null));
        }
        if (stream is not null) AbortQuietly(stream, QuicAbortDirection.Read, applicationErrorCode);
        return true;
    }

    /// <inheritdoc />
    public void Consume(QuicStreamId streamId, int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ReceiveBudget budget;
        lock (_gate)
        {
            ThrowIfClosed("consume");
            var entry = GetStream(streamId, "consume");
            budget = entry.ReceiveBudget ?? throw QuicTransportException.DirectionClosed(streamId, "cannot consume: this end has no receive half (a unidirectional stream opened by this end)");
        }
        if (bytes == 0) return;
        if (!budget.TryRelease(bytes))
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"Stream {streamId}: cannot consume {bytes} bytes; only {budget.Outstanding} were delivered and not yet consumed.");
        _connectionBudget.TryRelease(bytes);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The slot goes back when System.Net.Quic's <c>DisposeAsync</c> finishes (msquic gives the credit back when the stream
    /// handle closes). That waits for the stream's shutdown, so it runs in the background and the call returns at once.
    /// </remarks>
    public void ReleaseStream(QuicStreamId streamId)
    {
        QuicStream? stream;
        bool abortSend, abortReceive;
        lock (_gate)
        {
            ThrowIfClosed("release a stream");
            var entry = GetStream(streamId, "release a stream");
            _streams.Remove(streamId.Value);
            entry.Released = true;
            // The contract aborts unfinished halves with code 0 first; DisposeAsync alone would end the send half with a FIN.
            abortSend = entry.Halves.TryReset(0);
            abortReceive = entry.Halves.TryStopSending(0);
            entry.SendQueue?.Fail(QuicTransportException.StreamNotFound(streamId, "write"));
            if (entry.ReceiveBudget is { } budget)
            {
                budget.Close();
                _connectionBudget.TryRelease(budget.ReleaseAll());
            }
            stream = entry.Stream;
        }
        // An open still in flight is disposed when it binds (it sees Released).
        if (stream is null) return;
        if (abortSend) AbortQuietly(stream, QuicAbortDirection.Write, 0);
        if (abortReceive) AbortQuietly(stream, QuicAbortDirection.Read, 0);
        Track(DisposeStreamAsync(stream));
    }

    /// <summary>Always throws: System.Net.Quic in .NET 10 has no datagrams.</summary>
    /// <exception cref="QuicTransportException">Always, with <see cref="QuicTransportError.NotSupported"/>.</exception>
    public bool SendDatagram(ReadOnlySpan<byte> payload) =>
        throw new QuicTransportException(QuicTransportError.NotSupported, $"Cannot send a datagram of {payload.Length} bytes: System.Net.Quic in .NET 10 has no datagram support (RFC 9221), so the msquic engine never negotiates datagrams.");

    private static void ValidateDirection(StreamDirection direction)
    {
        if (direction is not (StreamDirection.Bidirectional or StreamDirection.Unidirectional))
            throw new ArgumentOutOfRangeException(nameof(direction), direction, $"Unknown stream direction {(int)direction}.");
    }
}
