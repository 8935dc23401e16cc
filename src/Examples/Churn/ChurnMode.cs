namespace QuicActors.Examples.Churn;

/// <summary>How the churn server's stream handler behaves.</summary>
internal enum ChurnMode
{
    /// <summary>Reads the request to EOF, echoes it, finishes with FIN.</summary>
    Good,

    /// <summary>Reads one chunk, answers and returns without reading EOF: the linger policy drains the rest and frees the slot.</summary>
    Forgetful,

    /// <summary>Reads one chunk and throws: the runtime aborts the stream with the handler-failure code.</summary>
    Crashing,

    /// <summary>Reads one chunk and aborts both directions with <see cref="ChurnServer.AbortCode"/>.</summary>
    Aborting,
}
