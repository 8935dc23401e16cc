namespace QuicActors.Streams;

/// <summary>Which direction of a stream <see cref="StreamHandle.Abort"/> ends.</summary>
[Flags]
public enum StreamAbortDirection
{
    /// <summary>Stop reading: STOP_SENDING (RFC 9000 §3.5, §19.5); pending reads fail.</summary>
    Read = 1,

    /// <summary>Stop writing: RESET_STREAM (RFC 9000 §3.1, §19.4); pending writes fail.</summary>
    Write = 2,

    /// <summary>Both directions.</summary>
    Both = Read | Write,
}
