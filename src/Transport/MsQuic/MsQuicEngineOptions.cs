namespace QuicActors.Transport.MsQuic;

/// <summary>
/// Settings of the System.Net.Quic engine that the engine contract does not carry. The defaults follow the contract:
/// whatever System.Net.Quic aborts or closes on its own uses code 0, as the contract's release and dispose do.
/// </summary>
public sealed record MsQuicEngineOptions
{
    /// <summary>
    /// The code System.Net.Quic uses when it has to abort a stream direction itself
    /// (<c>QuicConnectionOptions.DefaultStreamErrorCode</c>). The engine always aborts explicitly with code 0 before it
    /// disposes a stream, so this code only reaches the wire in corner cases System.Net.Quic decides on its own.
    /// </summary>
    public long DefaultStreamErrorCode { get; init; }

    /// <summary>The code System.Net.Quic closes a connection with when it is disposed without a close (<c>QuicConnectionOptions.DefaultCloseErrorCode</c>).</summary>
    public long DefaultCloseErrorCode { get; init; }

    /// <summary>
    /// How often PING frames keep an idle connection alive (<c>QuicConnectionOptions.KeepAliveInterval</c>);
    /// <see cref="Timeout.InfiniteTimeSpan"/> (the default) sends none, so the idle timeout of the contract applies as configured.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>The largest number of bytes one <c>QuicStream.ReadAsync</c> of the engine asks for, and so the largest <c>StreamDataReceived</c>.</summary>
    public int ReceiveChunkSize { get; init; } = 16 * 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        ApplicationErrorCodes.Validate(DefaultStreamErrorCode, $"{nameof(MsQuicEngineOptions)}.{nameof(DefaultStreamErrorCode)}");
        ApplicationErrorCodes.Validate(DefaultCloseErrorCode, $"{nameof(MsQuicEngineOptions)}.{nameof(DefaultCloseErrorCode)}");
        if (KeepAliveInterval <= TimeSpan.Zero && KeepAliveInterval != Timeout.InfiniteTimeSpan)
            throw new ArgumentException($"{nameof(MsQuicEngineOptions)}.{nameof(KeepAliveInterval)} = {KeepAliveInterval}: must be positive or Timeout.InfiniteTimeSpan.", nameof(KeepAliveInterval));
        if (ReceiveChunkSize is < 1 or > 1024 * 1024)
            throw new ArgumentException($"{nameof(MsQuicEngineOptions)}.{nameof(ReceiveChunkSize)} = {ReceiveChunkSize}: must be in 1..1048576.", nameof(ReceiveChunkSize));
    }
}
