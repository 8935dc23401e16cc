namespace QuicActors.Streams;

/// <summary>Whether the runtime finishes streams the application let go of with a half still open.</summary>
public enum LingerMode
{
    /// <summary>Never act: the application owns every half to the end. For comparison and for users who want full control; a careless handler can leak credit.</summary>
    Raw,

    /// <summary>Finish forgotten halves: drain then STOP_SENDING the receive half, FIN then RESET the send half.</summary>
    Linger,
}
