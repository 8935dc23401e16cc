using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using QuicActors.Streams.Surfaces.Internal;

namespace QuicActors.Streams;

/// <summary>
/// Reads length-prefixed frames (<see cref="LengthPrefixedFraming"/>) from a <see cref="PipeReader"/>, typically
/// <see cref="StreamDuplexPipe.Input"/>, so a stream of messages needs no hand-written parsing. Owns the reader: completes
/// it at the end, on a framing error (with that error), and on dispose.
/// </summary>
/// <remarks>
/// <para><b>Frame validity.</b> <see cref="Current"/> is valid until the next <see cref="ReadFrameAsync"/> or dispose: a
/// payload that lies in one pipe segment is handed out in place, one split across segments is copied into a pooled buffer
/// that the next frame reuses.</para>
/// <para><b>Errors.</b> A frame announcing more than <see cref="LengthPrefixedFramingOptions.MaxFrameSize"/> fails at once,
/// before its payload is buffered; input that ends inside a frame fails with the number of bytes that arrived. Both throw
/// <see cref="InvalidDataException"/> and complete the pipe reader with it: on a <see cref="StreamDuplexPipe"/>, that sends
/// STOP_SENDING with <see cref="StreamSurfaceOptions.ReadAbandonedErrorCode"/> if the stream had not ended.</para>
/// <para><b>Backpressure.</b> A whole frame must fit in the pipe before it can be read, so the pipe's pause threshold must
/// exceed <see cref="LengthPrefixedFramingOptions.MaxEncodedFrameSize"/>; over a <see cref="StreamDuplexPipe"/> this is
/// checked when the reader is made.</para>
/// </remarks>
public sealed class LengthPrefixedFrameReader : IAsyncDisposable
{
    private readonly PipeReader _input;
    private readonly LengthPrefixedFramingOptions _options;
    private ReadOnlySequence<byte> _buffer;
    private bool _holding;
    private bool _endOfInput;
    private bool _completed;
    private byte[]? _scratch;

    /// <summary>Reads frames from <paramref name="input"/>.</summary>
    /// <param name="input">The bytes; the reader takes ownership.</param>
    /// <param name="options">Prefix and maximum size; <see cref="LengthPrefixedFramingOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="input"/> is a <see cref="StreamDuplexPipe.Input"/> whose pause
    /// threshold cannot hold a frame of the maximum size, so reading such a frame would wait forever.</exception>
    public LengthPrefixedFrameReader(PipeReader input, LengthPrefixedFramingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
        _options = options ?? LengthPrefixedFramingOptions.Default;
        if (input is HandleBackedPipeReader { PauseWriterThreshold: > 0 and var pause } && pause <= _options.MaxEncodedFrameSize)
        {
            throw new ArgumentException(
                $"The pipe pauses its writer at {pause} bytes, which cannot hold a frame of {_options.MaxEncodedFrameSize} bytes ({nameof(LengthPrefixedFramingOptions)}.{nameof(LengthPrefixedFramingOptions.MaxFrameSize)} = {_options.MaxFrameSize} plus the prefix): raise {nameof(PipeOptions)}.{nameof(PipeOptions.PauseWriterThreshold)} or lower the maximum frame size.",
                nameof(input));
        }
    }

    /// <summary>The payload of the frame the last <see cref="ReadFrameAsync"/> returned true for; see the remarks for how long it is valid.</summary>
    public ReadOnlyMemory<byte> Current { get; private set; }

    /// <summary>Reads the next frame into <see cref="Current"/>; false when the input ended on a frame boundary.</summary>
    /// <exception cref="InvalidDataException">A frame is too large, or the input ended inside one.</exception>
    /// <exception cref="StreamAbortedException">The peer reset the stream (through a <see cref="StreamDuplexPipe"/>).</exception>
    /// <exception cref="ObjectDisposedException">The reader was disposed.</exception>
    public async ValueTask<bool> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        try
        {
            while (true)
            {
                if (_holding)
                {
                    if (LengthPrefixedFraming.TryReadFrame(ref _buffer, _options, out var payload))
                    {
                        Current = Materialize(payload);
                        return true;
                    }

                    if (_endOfInput)
                    {
                        var partial = LengthPrefixedFraming.PartialFrameAtEnd(_buffer, _options.Prefix);
                        if (partial is not null)
                        {
                            throw partial;
                        }

                        Current = default;
                        await CompleteAsync(null).ConfigureAwait(false);
                        return false;
                    }

                    // Consumed up to the partial frame, examined all: the next read waits for more bytes.
                    _holding = false;
                    _input.AdvanceTo(_buffer.Start, _buffer.End);
                }

                var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    _input.AdvanceTo(result.Buffer.Start);
                    throw new OperationCanceledException("A pending read of the frame reader's pipe was cancelled.");
                }

                _buffer = result.Buffer;
                _endOfInput = result.IsCompleted;
                _holding = true;
            }
        }
        catch (InvalidDataException ex)
        {
            await CompleteAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Every frame until the input ends, each valid until the next is asked for (see the remarks). Leaving the loop early
    /// leaves the reader usable.
    /// </summary>
    /// <exception cref="InvalidDataException">A frame is too large, or the input ended inside one.</exception>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadFrameAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Current;
        }
    }

    /// <summary>Completes the pipe reader (on a <see cref="StreamDuplexPipe"/>: STOP_SENDING if the stream had not ended) and returns the pooled buffer.</summary>
    public ValueTask DisposeAsync() => CompleteAsync(null);

    private async ValueTask CompleteAsync(Exception? error)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        Current = default;
        if (_holding)
        {
            _holding = false;
            _input.AdvanceTo(_buffer.Start);
        }

        await _input.CompleteAsync(error).ConfigureAwait(false);
        if (_scratch is { } scratch)
        {
            _scratch = null;
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private ReadOnlyMemory<byte> Materialize(in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            return payload.First;
        }

        var length = (int)payload.Length;
        if (_scratch is null || _scratch.Length < length)
        {
            if (_scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
            }

            _scratch = ArrayPool<byte>.Shared.Rent(length);
        }

        payload.CopyTo(_scratch);
        return _scratch.AsMemory(0, length);
    }
}
