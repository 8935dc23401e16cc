using QuicActors.Streams.Internal;

namespace QuicActors.Streams;

/// <summary>An event for <see cref="SendStateMachine.Apply(SendState, SendEvent)"/>.</summary>
/// <remarks>Use the static members; the constructor does not validate the error code.</remarks>
/// <param name="Kind">What happened.</param>
/// <param name="ErrorCode">The application error code of <see cref="SendEventKind.LocalAbort"/> and <see cref="SendEventKind.PeerStopSending"/>.</param>
public readonly record struct SendEvent(SendEventKind Kind, ulong ErrorCode = 0)
{
    /// <summary>Stream data is sent.</summary>
    public static SendEvent LocalWrite => new(SendEventKind.LocalWrite);

    /// <summary>A STREAM frame with FIN is sent.</summary>
    public static SendEvent LocalFin => new(SendEventKind.LocalFin);

    /// <summary>All data and the FIN were acknowledged.</summary>
    public static SendEvent AllDataAcknowledged => new(SendEventKind.AllDataAcknowledged);

    /// <summary>The RESET_STREAM frame was acknowledged.</summary>
    public static SendEvent ResetAcknowledged => new(SendEventKind.ResetAcknowledged);

    /// <summary>The connection closed.</summary>
    public static SendEvent ConnectionClosed => new(SendEventKind.ConnectionClosed);

    /// <summary>The generation was discarded.</summary>
    public static SendEvent GenerationDiscarded => new(SendEventKind.GenerationDiscarded);

    /// <summary>The application aborts writing with <paramref name="errorCode"/> (at most 2^62-1).</summary>
    public static SendEvent LocalAbort(ulong errorCode) =>
        new(SendEventKind.LocalAbort, QuicLimits.ValidateErrorCode(errorCode, nameof(errorCode)));

    /// <summary>The peer sent STOP_SENDING with <paramref name="errorCode"/> (at most 2^62-1).</summary>
    public static SendEvent PeerStopSending(ulong errorCode) =>
        new(SendEventKind.PeerStopSending, QuicLimits.ValidateErrorCode(errorCode, nameof(errorCode)));
}
