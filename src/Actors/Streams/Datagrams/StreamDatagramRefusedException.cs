using QuicActors.Transport;

namespace QuicActors.Streams;

/// <summary>
/// A datagram was not sent because its stream's flow does not allow it (RFC 9297 §2.1): the send half is closed or
/// reset, or no flow is bound to the stream.
/// </summary>
public sealed class StreamDatagramRefusedException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="streamId"/>.</summary>
    public StreamDatagramRefusedException(QuicStreamId streamId, DatagramSendVerdict verdict, SendState? sendState)
        : base(Describe(streamId, verdict, sendState))
    {
        StreamId = streamId;
        Verdict = verdict;
        SendState = sendState;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public StreamDatagramRefusedException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public StreamDatagramRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public StreamDatagramRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The stream the datagram was for.</summary>
    public QuicStreamId StreamId { get; }

    /// <summary>Why it was refused.</summary>
    public DatagramSendVerdict Verdict { get; }

    /// <summary>The stream's send state when the datagram was refused, if known.</summary>
    public SendState? SendState { get; }

    private static string Describe(QuicStreamId streamId, DatagramSendVerdict verdict, SendState? sendState) => verdict switch
    {
        DatagramSendVerdict.SendHalfClosed => $"Datagram refused: the send half of stream {streamId} is closed (state {sendState?.ToString() ?? "absent"}); RFC 9297 §2.1 forbids datagrams once it is.",
        _ => $"Datagram refused: no datagram flow is bound to stream {streamId} (datagram flows off, not a client-initiated bidirectional stream, or the stream has ended).",
    };
}
