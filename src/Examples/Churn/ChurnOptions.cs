namespace QuicActors.Examples.Churn;

/// <summary>The settings of one churn run.</summary>
/// <param name="Engine">Engine name: in-memory, ngtcp2 or msquic.</param>
/// <param name="Streams">N: streams opened in total.</param>
/// <param name="Limit">L: the server's bidirectional stream limit (initial_max_streams_bidi, RFC 9000 §4.6).</param>
/// <param name="Mode">The server handler's behaviour.</param>
/// <param name="PayloadBytes">Bytes the client sends on each stream.</param>
/// <param name="Concurrency">Streams the client keeps in flight; above <paramref name="Limit"/> the extra opens wait for credit.</param>
internal sealed record ChurnOptions(string Engine, int Streams, int Limit, ChurnMode Mode, int PayloadBytes, int Concurrency)
{
    public const int DefaultStreams = 10_000;
    public const int DefaultLimit = 100;
    public const int DefaultPayloadBytes = 256;

    /// <summary>Null when valid, else a one-line message naming the option and its value.</summary>
    public string? Validate() =>
        Streams < 1 ? $"--streams {Streams}: must be at least 1."
        : Limit < 1 ? $"--limit {Limit}: must be at least 1."
        : PayloadBytes is < 1 or > 1024 * 1024 ? $"--payload {PayloadBytes}: must be in 1..1048576 bytes."
        : Concurrency < 1 ? $"--concurrency {Concurrency}: must be at least 1."
        : null;
}
