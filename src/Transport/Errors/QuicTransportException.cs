namespace QuicActors.Transport;

/// <summary>The one exception type through which the engine contract reports a failed operation.</summary>
/// <remarks>
/// Argument errors (a negative byte count, an error code beyond 2^62-1, a null buffer) are thrown as
/// <see cref="ArgumentException"/> subclasses instead, because they are bugs in the caller, not states of the
/// connection.
/// </remarks>
public class QuicTransportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QuicTransportException(QuicTransportError error, string message, Exception? innerException = null)
        : base(message, innerException) => Error = error;

    /// <summary>Creates an exception of kind <see cref="QuicTransportError.Internal"/>.</summary>
    public QuicTransportException() : this(QuicTransportError.Internal, "QUIC transport error.") { }

    /// <summary>Creates an exception of kind <see cref="QuicTransportError.Internal"/>.</summary>
    public QuicTransportException(string message) : this(QuicTransportError.Internal, message) { }

    /// <summary>Creates an exception of kind <see cref="QuicTransportError.Internal"/>.</summary>
    public QuicTransportException(string message, Exception innerException) : this(QuicTransportError.Internal, message, innerException) { }

    /// <summary>What kind of failure this is.</summary>
    public QuicTransportError Error { get; }

    /// <summary>The stream the failure concerns, when there is one.</summary>
    public QuicStreamId? StreamId { get; init; }

    /// <summary>The application error code of an abort (RESET_STREAM, STOP_SENDING), when <see cref="Error"/> is <see cref="QuicTransportError.StreamAborted"/>.</summary>
    public long? ApplicationErrorCode { get; init; }

    /// <summary>How the connection ended, when <see cref="Error"/> is <see cref="QuicTransportError.ConnectionClosed"/>.</summary>
    public ConnectionCloseInfo? Close { get; init; }

    /// <summary>A failure for an operation on a connection that has ended.</summary>
    public static QuicTransportException ConnectionClosed(ConnectionCloseInfo close, string operation) =>
        new(QuicTransportError.ConnectionClosed, $"Cannot {operation}: the connection is closed ({close}).") { Close = close };

    /// <summary>A failure for an operation on a stream direction that has been aborted.</summary>
    public static QuicTransportException StreamAborted(QuicStreamId streamId, long code, string what) =>
        new(QuicTransportError.StreamAborted, $"Stream {streamId}: {what} (application error code {code}).") { StreamId = streamId, ApplicationErrorCode = code };

    /// <summary>A failure for an operation on a direction that is already finished.</summary>
    public static QuicTransportException DirectionClosed(QuicStreamId streamId, string what) =>
        new(QuicTransportError.StreamDirectionClosed, $"Stream {streamId}: {what}.") { StreamId = streamId };

    /// <summary>A failure for an operation naming a stream the connection does not know.</summary>
    public static QuicTransportException StreamNotFound(QuicStreamId streamId, string operation) =>
        new(QuicTransportError.StreamNotFound, $"Cannot {operation}: stream {streamId} is not open on this connection (never opened, already released, or discarded with rejected 0-RTT).") { StreamId = streamId };
}
