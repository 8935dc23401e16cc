using System.Buffers;
using System.IO.Pipelines;

namespace QuicActors.Streams;

/// <summary>
/// Writes length-prefixed frames (<see cref="LengthPrefixedFraming"/>) to a <see cref="PipeWriter"/>, typically
/// <see cref="StreamDuplexPipe.Output"/>. Owns the writer: <see cref="CompleteAsync"/> ends the stream (FIN), or resets
/// it when given an exception.
/// </summary>
/// <remarks>
/// <see cref="WriteFrameAsync"/> flushes each frame, and its flush waits while the pipe is above its pause threshold, so a
/// producer of frames is held back by the peer's flow-control window (RFC 9000 §4.1). To batch frames, call
/// <see cref="WriteFrame"/> several times and then <see cref="FlushAsync"/>.
/// </remarks>
/// <param name="output">The bytes; the writer takes ownership.</param>
/// <param name="options">Prefix and maximum size; <see cref="LengthPrefixedFramingOptions.Default"/> when null.</param>
public sealed class LengthPrefixedFrameWriter(PipeWriter output, LengthPrefixedFramingOptions? options = null)
{
    private readonly PipeWriter _output = output ?? throw new ArgumentNullException(nameof(output));
    private readonly LengthPrefixedFramingOptions _options = options ?? LengthPrefixedFramingOptions.Default;

    /// <summary>Writes one frame and flushes it.</summary>
    /// <returns>The flush result: <see cref="FlushResult.IsCompleted"/> when nobody reads the pipe any more.</returns>
    /// <exception cref="ArgumentException"><paramref name="payload"/> is larger than <see cref="LengthPrefixedFramingOptions.MaxFrameSize"/>; the message names both sizes.</exception>
    /// <exception cref="StreamAbortedException">The peer sent STOP_SENDING (through a <see cref="StreamDuplexPipe"/>).</exception>
    public ValueTask<FlushResult> WriteFrameAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        WriteFrame(payload.Span);
        return _output.FlushAsync(cancellationToken);
    }

    /// <summary>Writes one frame into the pipe without flushing it.</summary>
    /// <exception cref="ArgumentException"><paramref name="payload"/> is larger than <see cref="LengthPrefixedFramingOptions.MaxFrameSize"/>; the message names both sizes.</exception>
    public void WriteFrame(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > _options.MaxFrameSize)
        {
            throw new ArgumentException(
                $"The frame payload is {payload.Length} bytes, above the maximum frame size of {_options.MaxFrameSize} bytes ({nameof(LengthPrefixedFramingOptions)}.{nameof(LengthPrefixedFramingOptions.MaxFrameSize)}).",
                nameof(payload));
        }

        var prefix = _output.GetSpan(8);
        _output.Advance(LengthPrefixedFraming.WritePrefix(prefix, _options.Prefix, payload.Length));
        _output.Write(payload);
    }

    /// <summary>Flushes the frames written with <see cref="WriteFrame"/>.</summary>
    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => _output.FlushAsync(cancellationToken);

    /// <summary>Completes the pipe writer: FIN after the frames written, or, with <paramref name="exception"/>, a reset (see <see cref="StreamDuplexPipe"/>).</summary>
    public ValueTask CompleteAsync(Exception? exception = null) => _output.CompleteAsync(exception);
}
