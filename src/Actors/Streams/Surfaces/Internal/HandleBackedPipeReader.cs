using System.IO.Pipelines;

namespace QuicActors.Streams.Surfaces.Internal;

/// <summary>
/// <see cref="StreamDuplexPipe.Input"/>: the receive pipe's reader, plus one thing a plain pipe cannot do: tell the pump at
/// once that nobody will read any more, since the pump may be waiting in a stream read that no pipe event would end.
/// </summary>
internal sealed class HandleBackedPipeReader(PipeReader inner, StreamDuplexPipe owner, long pauseWriterThreshold) : PipeReader
{
    /// <summary>Where the pump stops filling the pipe; a reader that needs more unconsumed bytes than this would wait forever.</summary>
    public long PauseWriterThreshold => pauseWriterThreshold;

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null)
    {
        owner.OnInputCompleted(exception);
        inner.Complete(exception);
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => inner.ReadAsync(cancellationToken);

    public override bool TryRead(out ReadResult result) => inner.TryRead(out result);
}
