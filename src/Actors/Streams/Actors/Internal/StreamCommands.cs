using QuicActors.Kernel;
using QuicActors.Transport;

namespace QuicActors.Streams.Internal;

/// <summary>A command from a <see cref="StreamHandle"/>: it passes the connection actor's generation gate before any engine call.</summary>
internal interface IStreamCommand : IDeadLetterAware
{
    StreamHandleStamp Stamp { get; }

    /// <summary>Fails the command's caller, if it waits for an answer.</summary>
    void Fail(Exception exception);

    /// <summary>The stream had ended when the command reached it: the caller learns so rather than waiting forever.</summary>
    void FailStreamEnded() => Fail(new InvalidOperationException($"Stream {Stamp.StreamId} had ended when the command reached it."));

    /// <summary>The stream actor stopped while the command was on its way.</summary>
    void IDeadLetterAware.OnDeadLetter() => FailStreamEnded();
}

/// <summary>A one-way notice from a handle: nobody waits for an answer, so failing it tells nobody and makes no exception.</summary>
internal interface IStreamNotice : IStreamCommand
{
    void IStreamCommand.Fail(Exception exception)
    {
    }

    void IStreamCommand.FailStreamEnded()
    {
    }
}

/// <summary>Read into <see cref="Buffer"/>; answered with the byte count (0 at EOF).</summary>
internal sealed record ReadCommand(StreamHandleStamp Stamp, Memory<byte> Buffer, TimeSpan? Deadline, TaskCompletionSource<int> Completion) : IStreamCommand
{
    private int _answered;

    /// <summary>The handle that counted this read as sent (its read-ahead waits for the answer); null for a read it did not count.</summary>
    public StreamHandle? Origin { get; init; }

    /// <summary>Answers the read with <paramref name="count"/> bytes (0: EOF).</summary>
    public void Answer(int count)
    {
        Settle();
        Completion.TrySetResult(count);
    }

    public void Fail(Exception exception)
    {
        Settle();
        Completion.TrySetException(exception);
    }

    private void Settle()
    {
        if (Origin is { } origin && Interlocked.Exchange(ref _answered, 1) == 0)
        {
            origin.OnReadAnswered();
        }
    }
}

/// <summary>
/// The application read <see cref="Count"/> bytes of the chunk its handle was offered (read-ahead). The receive half gives the
/// flow-control credit back and may offer the next chunk.
/// </summary>
internal sealed record OfferedBytesRead(StreamHandleStamp Stamp, int Count) : IStreamNotice;

/// <summary>Write <see cref="Data"/>, with FIN when <see cref="Fin"/>; answered once the engine took the bytes.</summary>
internal sealed record WriteCommand(StreamHandleStamp Stamp, ReadOnlyMemory<byte> Data, bool Fin, TaskCompletionSource Completion) : IStreamCommand
{
    /// <summary>The handle the write came from, when it came from one.</summary>
    public StreamHandle? Origin { get; init; }

    public void Fail(Exception exception) => Completion.TrySetException(exception);

    /// <summary>
    /// A write issued just before the peer's STOP_SENDING was processed can reach the stream after its actor stopped
    /// (the reset acknowledged, the receive half done): the caller learns the abort that ended the send half, which its
    /// handle knows by then, rather than only that the stream had ended.
    /// </summary>
    public void FailStreamEnded() =>
        Fail(Origin?.SendAbort ?? (Exception)new InvalidOperationException($"Stream {Stamp.StreamId} had ended when the command reached it."));
}

/// <summary>
/// The application read EOF, answered by its handle at once because the receive half had delivered every byte with the FIN
/// in (<see cref="StreamHandle.MarkEndOfDataDelivered"/>): Data Recvd → Data Read.
/// </summary>
internal sealed record EndOfStreamRead(StreamHandleStamp Stamp) : IStreamNotice;

/// <summary>
/// The application was told of the peer's reset by its handle, which knew of it already (a read answered without the
/// actor): Reset Recvd → Reset Read.
/// </summary>
internal sealed record PeerResetRead(StreamHandleStamp Stamp) : IStreamNotice;

/// <summary>Abort one or both directions with <see cref="ErrorCode"/>.</summary>
internal sealed record AbortCommand(StreamHandleStamp Stamp, StreamAbortDirection Direction, long ErrorCode) : IStreamNotice;

/// <summary>
/// The application is done with the stream (handler returned or handle disposed): the linger policy takes over. It races with
/// the stream actor stopping on its own once both halves are terminal, so finding the actor gone is expected (not logged).
/// </summary>
internal sealed record ReleaseCommand(StreamHandleStamp Stamp) : IStreamNotice, IDeadLetterSuppression;

/// <summary>Open a local stream, waiting at most <see cref="Timeout"/> for credit.</summary>
internal sealed record OpenStreamRequest(StreamDirection Direction, TimeSpan Timeout, TaskCompletionSource<StreamHandle> Completion);

/// <summary>
/// A stream actor's own timer fired (<see cref="StreamActor.ScheduleSelf"/>): the connection actor hands
/// <see cref="Message"/> to <see cref="Stream"/> if it has not stopped. The actor itself, not its stream ID, because IDs
/// restart at 0 in a new generation.
/// </summary>
internal sealed record StreamTimerFired(StreamActor Stream, object Message);

/// <summary>The stream's generation ended (0-RTT rejected): its halves end as discarded, without a frame.</summary>
internal sealed class GenerationDiscarded
{
    public static readonly GenerationDiscarded Instance = new();
}

/// <summary>The linger policy's recheck timer fired.</summary>
internal sealed class LingerRecheck
{
    public static readonly LingerRecheck Instance = new();
}

/// <summary>The earliest waiting open's deadline passed.</summary>
internal sealed class OpenDeadline
{
    public static readonly OpenDeadline Instance = new();
}

/// <summary>A pending read's deadline passed.</summary>
internal sealed record ReadDeadline(long ReadId);

/// <summary>Asks the connection actor for a <see cref="ConnectionStatus"/> snapshot.</summary>
internal sealed record StatusQuery(TaskCompletionSource<ConnectionStatus> Completion);


/// <summary>The leak detector's scan timer fired.</summary>
internal sealed class LeakScan
{
    public static readonly LeakScan Instance = new();
}
