using System.IO.Pipelines;
using QuicActors.Streams.Surfaces.Internal;

namespace QuicActors.Streams;

/// <summary>
/// A <see cref="StreamHandle"/> as an <see cref="IDuplexPipe"/>, made by <see cref="StreamHandleSurfaces.AsDuplexPipe"/>.
/// Both directions are backpressured end to end by QUIC flow control (RFC 9000 §2.2, §4.1).
/// </summary>
/// <remarks>
/// <para><b>Receiving.</b> A pump reads the handle into <see cref="Input"/>'s pipe and stops reading while the pipe holds
/// <see cref="PipeOptions.PauseWriterThreshold"/> unconsumed bytes, until they fall below
/// <see cref="PipeOptions.ResumeWriterThreshold"/>. The handle extends the peer's window only for bytes read, so a slow
/// consumer holds the peer to at most the stream window plus the pause threshold plus one read
/// (<see cref="StreamSurfaceOptions.ReadBufferSize"/>). The end of the stream completes <see cref="Input"/>; a peer's
/// RESET_STREAM completes it with a <see cref="StreamAbortedException"/> carrying the peer's code, which the next read throws.
/// Completing <see cref="Input"/> before the end of the stream sends STOP_SENDING (RFC 9000 §3.5) at once, with the code of
/// the <see cref="StreamAbortedException"/> passed to <see cref="PipeReader.Complete"/>, else
/// <see cref="StreamSurfaceOptions.ReadAbandonedErrorCode"/>.</para>
/// <para><b>Sending.</b> A pump writes what <see cref="Output"/> flushes into <see cref="StreamHandle.WriteAsync"/>, one write
/// at a time, so the pipe fills while the engine's send buffer is full and <see cref="PipeWriter.FlushAsync"/> waits at the
/// pause threshold. Completing <see cref="Output"/> without an exception sends the rest and FIN; completing it with an
/// exception resets the send half at once (RESET_STREAM, RFC 9000 §3.1) with the code of a
/// <see cref="StreamAbortedException"/>, else <see cref="StreamSurfaceOptions.WriteFailedErrorCode"/>; bytes still in the
/// pipe are discarded. A peer's STOP_SENDING makes the next flush throw a <see cref="StreamAbortedException"/> with its code.</para>
/// <para>The pipe does not own the handle: dispose the handle (or return from the stream handler) as usual.</para>
/// <para>A stream without a receive half here has an <see cref="Input"/> at its end; one without a send half has an
/// <see cref="Output"/> whose flushes throw <see cref="InvalidOperationException"/>.</para>
/// </remarks>
public sealed class StreamDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly StreamSurfaceOptions _options;
    private readonly Pipe _receivePipe;
    private readonly Pipe _sendPipe;
    private readonly HandleBackedPipeReader _input;
    private readonly HandleBackedPipeWriter _output;

    // 0 running, 1 ended on its own (end of stream, abort, failure), 2 given up by the pipe's user.
    private int _receiveState;
    private int _sendState;

    internal StreamDuplexPipe(StreamHandle stream, PipeOptions pipeOptions, StreamSurfaceOptions options)
    {
        Stream = stream;
        _options = options;
        _receivePipe = new Pipe(pipeOptions);
        _sendPipe = new Pipe(pipeOptions);
        _input = new HandleBackedPipeReader(_receivePipe.Reader, this, pipeOptions.PauseWriterThreshold);
        _output = new HandleBackedPipeWriter(_sendPipe.Writer, this);
        var receiving = stream.CanRead ? ReceiveAsync() : EndReceiveAtOnceAsync();
        var sending = stream.CanWrite ? SendAsync() : RefuseSendAsync();
        Completion = Task.WhenAll(receiving, sending);
    }

    /// <summary>The stream this pipe reads and writes.</summary>
    public StreamHandle Stream { get; }

    /// <summary>The bytes the peer sends, in order; completes at the end of the stream.</summary>
    public PipeReader Input => _input;

    /// <summary>The bytes to send; complete it to send FIN, or with an exception to reset the stream.</summary>
    public PipeWriter Output => _output;

    /// <summary>
    /// Completes when both pumps have stopped: the receive side at the end of the stream, an abort, or the abandoning of
    /// <see cref="Input"/>; the send side after FIN or an abort. Never faults.
    /// </summary>
    public Task Completion { get; }

    /// <summary>
    /// Completes <see cref="Input"/> (STOP_SENDING if the end was not read) and <see cref="Output"/> (FIN after the bytes
    /// already flushed). Does not wait for the peer's flow control to take those bytes: await <see cref="Completion"/> for that.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync().ConfigureAwait(false);
        await _output.CompleteAsync().ConfigureAwait(false);
    }

    internal void OnInputCompleted(Exception? exception)
    {
        if (Interlocked.CompareExchange(ref _receiveState, 2, 0) == 0)
        {
            HandleOperations.AbortQuietly(Stream, StreamAbortDirection.Read, _options.ReadErrorCodeFor(exception));
        }
    }

    internal void OnOutputCompleted(Exception? exception)
    {
        if (exception is not null && Interlocked.CompareExchange(ref _sendState, 2, 0) == 0)
        {
            HandleOperations.AbortQuietly(Stream, StreamAbortDirection.Write, _options.WriteErrorCodeFor(exception));
        }
    }

    private Task RefuseSendAsync()
    {
        _sendState = 1;
        return _sendPipe.Reader.CompleteAsync(new InvalidOperationException($"Stream {Stream.StreamId} has no send half at this endpoint.")).AsTask();
    }

    private Task EndReceiveAtOnceAsync()
    {
        _receiveState = 1;
        return _receivePipe.Writer.CompleteAsync().AsTask();
    }

    private async Task ReceiveAsync()
    {
        var writer = _receivePipe.Writer;
        Exception? failure = null;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(_options.ReadBufferSize);
                var read = await Stream.ReadAsync(memory).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                writer.Advance(read);
                var flushed = await writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    // Input was completed; OnInputCompleted has stopped the stream's sending side if the end was not read.
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            // StreamAbortedException (either side's abort), StaleHandleException, or the connection closing.
            failure = HandleOperations.Explain(Stream, StreamHalf.Receive, ex);
        }

        Interlocked.CompareExchange(ref _receiveState, 1, 0);
        await writer.CompleteAsync(failure).ConfigureAwait(false);
    }

    private async Task SendAsync()
    {
        var reader = _sendPipe.Reader;
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                var fin = result.IsCompleted;
                var sentFin = false;
                var remaining = buffer.Length;
                foreach (var segment in buffer)
                {
                    if (segment.IsEmpty)
                    {
                        continue;
                    }

                    // FIN rides on the last segment when the writer is already complete: one command fewer.
                    remaining -= segment.Length;
                    var last = fin && remaining == 0;
                    await Stream.WriteAsync(segment, completeWrites: last).ConfigureAwait(false);
                    sentFin |= last;
                }

                reader.AdvanceTo(buffer.End);
                if (fin)
                {
                    if (!sentFin)
                    {
                        await Stream.CompleteWritesAsync().ConfigureAwait(false);
                    }

                    break;
                }
            }
        }
        catch (Exception ex)
        {
            // The writer's own exception (OnOutputCompleted has reset the stream), or the peer's STOP_SENDING.
            failure = HandleOperations.Explain(Stream, StreamHalf.Send, ex);
        }

        Interlocked.CompareExchange(ref _sendState, 1, 0);
        await reader.CompleteAsync(failure).ConfigureAwait(false);
    }
}
