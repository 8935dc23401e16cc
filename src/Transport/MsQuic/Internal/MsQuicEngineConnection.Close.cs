using System.Net.Quic;
using QuicActors.Transport.Events;

namespace QuicActors.Transport.MsQuic.Internal;

internal sealed partial class MsQuicEngineConnection
{
    /// <inheritdoc />
    /// <remarks>
    /// System.Net.Quic sends no reason phrase: <paramref name="reason"/> is kept in this end's <see cref="ConnectionCloseInfo"/>
    /// only; the peer sees the code alone.
    /// </remarks>
    public ValueTask CloseAsync(long applicationErrorCode, string reason = "")
    {
        ApplicationErrorCodes.Validate(applicationErrorCode, nameof(applicationErrorCode));
        ArgumentNullException.ThrowIfNull(reason);
        lock (_gate)
        {
            if (_closing is not null) return new ValueTask(_closing);
            if (_close is not null) return ValueTask.CompletedTask;
            _localClose = new ConnectionCloseInfo(ConnectionCloseInitiator.Local, true, applicationErrorCode, reason);
            _closing = CloseCoreAsync(_localClose);
            return new ValueTask(_closing);
        }
    }

    private async Task CloseCoreAsync(ConnectionCloseInfo close)
    {
        // Let the lock go before System.Net.Quic runs: CloseAsync completes when msquic reports SHUTDOWN_COMPLETE.
        await Task.Yield();
        try
        {
            await _connection.CloseAsync(close.ErrorCode).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is QuicException or ObjectDisposedException)
        {
            // The connection had already ended (the peer closed it, or it idled out); Terminate keeps the first reason.
        }
        Terminate(close);
    }

    /// <summary>Ends the connection because of what an operation on it threw.</summary>
    private void OnConnectionFailure(Exception exception)
    {
        ConnectionCloseInfo? localClose;
        lock (_gate) localClose = _localClose;
        var close = MsQuicErrorMapper.ToCloseInfo(exception, localClose)
            ?? new ConnectionCloseInfo(ConnectionCloseInitiator.Transport, false, (long)TransportErrorCode.InternalError, exception.Message);
        Terminate(close);
    }

    /// <summary>Ends the connection for a fault of the engine itself and closes it on the wire.</summary>
    private void FailConnection(ConnectionCloseInfo close)
    {
        if (!Terminate(close)) return;
        Track(CloseOnWireAsync());

        async Task CloseOnWireAsync()
        {
            try
            {
                await _connection.CloseAsync(_engineOptions.DefaultCloseErrorCode).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is QuicException or ObjectDisposedException)
            {
                // Already gone.
            }
        }
    }

    /// <summary>
    /// Records how the connection ended (the first report wins), fails everything pending, publishes
    /// <see cref="ConnectionClosed"/> as the last event and completes <see cref="Closed"/>.
    /// </summary>
    /// <returns>False when the connection had already ended.</returns>
    private bool Terminate(ConnectionCloseInfo close)
    {
        lock (_gate)
        {
            if (_close is not null) return false;
            Publish(new ConnectionClosed(close));
            _close = close;
            _events.Writer.TryComplete();
            _bidirectionalCredit.Close();
            _unidirectionalCredit.Close();
            _connectionBudget.Close();
            foreach (var entry in _streams.Values)
            {
                entry.SendQueue?.Fail(QuicTransportException.ConnectionClosed(close, "write"));
                entry.ReceiveBudget?.Close();
                if (entry.Stream is null) entry.Abandon();
            }
        }
        _closed.TrySetResult(close);
        _lifetime.Cancel();
        return true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Code 0, as the contract says; on an ended connection this does nothing.
        await CloseAsync(0).ConfigureAwait(false);

        List<QuicStream> streams;
        Task[] background;
        lock (_gate)
        {
            streams = [.. _streams.Values.Select(e => e.Stream).OfType<QuicStream>()];
            _streams.Clear();
            background = [.. _background];
        }
        foreach (var stream in streams) Track(DisposeStreamAsync(stream));
        lock (_gate) background = [.. _background];
        await Task.WhenAll(background).ConfigureAwait(false);
        if (_pump is not null) await _pump.ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _lifetime.Dispose();
        _onDisposed(this);
    }
}
