using System.Buffers;
using System.Net.Quic;
using QuicActors.Transport.Events;

namespace QuicActors.Transport.MsQuic.Internal;

internal sealed partial class MsQuicEngineConnection
{
    /// <summary>Accepts the peer's streams until the connection ends; the way it ends tells how the connection closed.</summary>
    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                var stream = await _connection.AcceptInboundStreamAsync(_lifetime.Token).ConfigureAwait(false);
                OnInboundStream(stream);
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // The connection ended by another path and stopped the pump.
        }
        catch (Exception ex)
        {
            OnConnectionFailure(ex);
        }
    }

    private void OnInboundStream(QuicStream stream)
    {
        var streamId = new QuicStreamId(stream.Id);
        MsQuicStreamEntry? entry = null;
        lock (_gate)
        {
            if (_close is null && _localClose is null && !_streams.ContainsKey(streamId.Value))
            {
                entry = new MsQuicStreamEntry(streamId, Role, _transport);
                entry.Bind(stream);
                _streams.Add(streamId.Value, entry);
                Publish(new PeerStreamOpened(streamId));
            }
        }
        if (entry is null)
        {
            Track(DisposeStreamAsync(stream));
            return;
        }
        StartLoops(entry, stream);
    }

    /// <summary>
    /// Starts what a bound stream needs: a read loop and a ReadsClosed watcher for a receive half, a writer loop and a
    /// WritesClosed watcher for a send half. The watchers report the peer's RESET_STREAM and STOP_SENDING at once, even
    /// while the read loop waits for the application to consume or no write is pending.
    /// </summary>
    private void StartLoops(MsQuicStreamEntry entry, QuicStream stream)
    {
        if (entry.ReceiveBudget is not null)
        {
            Track(Task.Run(() => ReadLoopAsync(entry, stream)));
            Track(WatchReadsClosedAsync(entry, stream));
        }
        if (entry.SendQueue is not null)
        {
            Track(Task.Run(() => WriteLoopAsync(entry, stream)));
            Track(WatchWritesClosedAsync(entry, stream));
        }
    }

    /// <summary>
    /// Reads while the stream's budget has room, so System.Net.Quic (which extends the peer's window as it is read)
    /// grows the window only as the application consumes. Never cancels a read: that would abort the direction.
    /// </summary>
    private async Task ReadLoopAsync(MsQuicStreamEntry entry, QuicStream stream)
    {
        var budget = entry.ReceiveBudget!;
        try
        {
            while (true)
            {
                if (budget.IsClosed) return;
                var room = budget.Available;
                if (room <= 0)
                {
                    await budget.WaitForSpaceAsync().ConfigureAwait(false);
                    continue;
                }
                if (_connectionBudget.Available <= 0)
                {
                    // Several streams share the connection budget without reserving it, so it can be exceeded by at most one
                    // chunk per stream reading at the same moment; msquic's own connection window still holds the peer.
                    await _connectionBudget.WaitForSpaceAsync().ConfigureAwait(false);
                    if (_connectionBudget.IsClosed) return;
                    continue;
                }

                var size = (int)Math.Min(_engineOptions.ReceiveChunkSize, room);
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                int read;
                try
                {
                    read = await stream.ReadAsync(buffer.AsMemory(0, size)).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
                // ReadsClosed completes successfully once the FIN has been read with the last bytes, which saves an empty event.
                var fin = read == 0 || stream.ReadsClosed.IsCompletedSuccessfully;
                if (!Deliver(entry, buffer, read, fin) || fin) return;
            }
        }
        catch (Exception ex)
        {
            OnReadFailure(entry, ex);
        }
    }

    /// <summary>Publishes received bytes unless the half can no longer report them; owns <paramref name="buffer"/> either way.</summary>
    private bool Deliver(MsQuicStreamEntry entry, byte[] buffer, int length, bool fin)
    {
        lock (_gate)
        {
            if (_close is null && !entry.Released && entry.Halves.CanDeliver)
            {
                var offset = entry.ReceivedOffset;
                entry.ReceivedOffset += length;
                entry.ReceiveBudget!.Deliver(length);
                _connectionBudget.Deliver(length);
                if (fin) entry.Halves.OnFinDelivered();
                Publish(new StreamDataReceived(entry.Id, offset, length > 0 ? buffer : null, length, fin));
                if (length == 0) ArrayPool<byte>.Shared.Return(buffer);
                return true;
            }
        }
        ArrayPool<byte>.Shared.Return(buffer);
        return false;
    }

    private void OnReadFailure(MsQuicStreamEntry entry, Exception exception)
    {
        if (MsQuicErrorMapper.TryGetPeerAbortCode(exception, out var code))
        {
            lock (_gate)
            {
                if (!entry.Released && entry.Halves.OnPeerReset(code))
                {
                    entry.ReceiveBudget!.Close();
                    Publish(new PeerResetStream(entry.Id, code, entry.ReceivedOffset));
                }
            }
            return;
        }
        if (IsExpectedLocalAbort(entry, exception, send: false)) return;
        OnConnectionFailure(exception);
    }

    /// <summary>
    /// ReadsClosed faults with <see cref="QuicError.StreamAborted"/> as soon as the peer's RESET_STREAM arrives; its success
    /// (the FIN was read) is the read loop's to report, in order after the data.
    /// </summary>
    private async Task WatchReadsClosedAsync(MsQuicStreamEntry entry, QuicStream stream)
    {
        try
        {
            await stream.ReadsClosed.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            OnReadFailure(entry, ex);
        }
    }

    /// <summary>Drains the send queue one <c>WriteAsync</c> at a time; FIN rides on the last chunk.</summary>
    private async Task WriteLoopAsync(MsQuicStreamEntry entry, QuicStream stream)
    {
        var queue = entry.SendQueue!;
        while (true)
        {
            if (!queue.TryDequeue(out var chunk))
            {
                if (!await queue.WaitForDataAsync().ConfigureAwait(false)) return;
                continue;
            }
            try
            {
                await stream.WriteAsync(chunk.Memory, chunk.Fin).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                queue.Release(chunk);
                OnWriteFailure(entry, stream, ex);
                return;
            }
            queue.Release(chunk);
            if (chunk.Fin) return;
        }
    }

    /// <summary>
    /// WritesClosed completes when the peer acknowledged all data and the FIN, and faults with
    /// <see cref="QuicError.StreamAborted"/> when the peer sent STOP_SENDING.
    /// </summary>
    private async Task WatchWritesClosedAsync(MsQuicStreamEntry entry, QuicStream stream)
    {
        try
        {
            await stream.WritesClosed.ConfigureAwait(false);
            lock (_gate)
            {
                if (!entry.Released && entry.Halves.OnFinAcknowledged()) Publish(new StreamFinAcknowledged(entry.Id));
            }
        }
        catch (Exception ex)
        {
            OnWriteFailure(entry, stream, ex);
        }
    }

    private void OnWriteFailure(MsQuicStreamEntry entry, QuicStream stream, Exception exception)
    {
        if (MsQuicErrorMapper.TryGetPeerAbortCode(exception, out var code))
        {
            OnPeerStopSending(entry, stream, code);
            return;
        }
        if (IsExpectedLocalAbort(entry, exception, send: true)) return;
        OnConnectionFailure(exception);
    }

    /// <summary>
    /// The peer sent STOP_SENDING. RFC 9000 §3.5 wants RESET_STREAM with the same code; msquic has by now sent its own
    /// RESET_STREAM (with code 0), and the <c>Abort</c> here repeats the peer's code wherever the stack has not answered yet.
    /// </summary>
    private void OnPeerStopSending(MsQuicStreamEntry entry, QuicStream stream, long code)
    {
        lock (_gate)
        {
            if (entry.Released || !entry.Halves.OnPeerStopSending(code)) return;
            entry.SendQueue!.Fail(QuicTransportException.StreamAborted(entry.Id, code, "the peer sent STOP_SENDING"));
        }
        AbortQuietly(stream, QuicAbortDirection.Write, code);
        lock (_gate)
        {
            Publish(new PeerStopSending(entry.Id, code));
            Publish(new StreamResetAcknowledged(entry.Id));
        }
    }

    /// <summary>
    /// Whether a failure reports an abort this end asked for (a reset, STOP_SENDING, a release, a close): then nothing
    /// more needs to happen. An abort nobody here asked for means the connection went away.
    /// </summary>
    private bool IsExpectedLocalAbort(MsQuicStreamEntry entry, Exception exception, bool send)
    {
        if (!MsQuicErrorMapper.IsLocalAbort(exception)) return false;
        lock (_gate)
        {
            if (_close is not null || _localClose is not null || entry.Released) return true;
            return send
                ? entry.Halves.Send is SendHalfState.ResetLocally or SendHalfState.StoppedByPeer
                : entry.Halves.Receive == ReceiveHalfState.StopSent;
        }
    }

    private static void AbortQuietly(QuicStream stream, QuicAbortDirection direction, long code)
    {
        try
        {
            stream.Abort(direction, code);
        }
        catch (Exception ex) when (ex is QuicException or ObjectDisposedException)
        {
            // The stream or its connection is already gone: there is nothing left to abort.
        }
    }

    private static async Task DisposeStreamAsync(QuicStream stream)
    {
        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is QuicException or ObjectDisposedException)
        {
            // Disposal of a stream whose connection already ended; its resources are freed regardless.
        }
    }
}
