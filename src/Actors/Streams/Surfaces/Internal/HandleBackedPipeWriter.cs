using System.IO.Pipelines;

namespace QuicActors.Streams.Surfaces.Internal;

/// <summary>
/// <see cref="StreamDuplexPipe.Output"/>: the send pipe's writer, plus an immediate reset when it completes with an
/// exception, since the pump may be waiting in a stream write (held back by flow control) that no pipe event would end.
/// </summary>
internal sealed class HandleBackedPipeWriter(PipeWriter inner, StreamDuplexPipe owner) : PipeWriter
{
    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;

    public override void Advance(int bytes) => inner.Advance(bytes);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        owner.OnOutputCompleted(exception);
        inner.Complete(exception);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) => inner.WriteAsync(source, cancellationToken);
}
